import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchSpec, nodeServer } from './helpers/launch.js';
import { repoRoot } from './helpers/paths.js';
import type { ScenarioClient } from './helpers/scenario-client.js';
import { connectV2 } from './helpers/v2-client.js';

const hostileServer = join(repoRoot, 'test/fixtures/hostile-modern-server.mjs');

let client: ScenarioClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** The v2 SDK client on 2026-07-28, through the built shim, against the hostile fixture. */
async function connect(): Promise<ScenarioClient> {
  // The fixture answers only tools/call, not the tools/list that pins need before a first call.
  const spec = launchSpec('shim', nodeServer(hostileServer), { extraArgs: ['--pins', 'off'] });
  client = await connectV2(spec, { pin: '2026-07-28' });
  return client;
}

describe('a real 2026-07-28 client behind the shim, facing a hostile server', () => {
  it('never receives a sampling request hidden in a complete result: the call fails with the reason', async () => {
    const c = await connect();
    const reply = await c.callTool('stray_no_result_type', {});
    expect(reply).toMatchObject({ isError: true });
    expect(JSON.stringify(reply)).toContain('inputRequests');
    expect(c.handled.map((request) => request.method)).not.toContain('sampling/createMessage');
  });

  it('never acts on an embedded request of a method the shim does not know', async () => {
    const c = await connect();
    const reply = await c.callTool('unknown_method', {});
    expect(reply).toMatchObject({ isError: true });
    expect(JSON.stringify(reply)).toContain('has method');
    expect(c.handled).toEqual([]);
  });
});
