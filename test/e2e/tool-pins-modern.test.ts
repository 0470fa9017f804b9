import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launchSpec, nodeServer, testEnv, type LaunchSpec, type Route } from './helpers/launch.js';
import { modernServer, shimMain } from './helpers/paths.js';
import type { ScenarioClient } from './helpers/scenario-client.js';
import { connectV2 } from './helpers/v2-client.js';
import { digestTool } from '../../src/state/pins/tool-digest.js';
import type { PinFile } from '../../src/state/pins/pin-file.js';

let work: string;
const clients: ScenarioClient[] = [];
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'tool-pins-modern-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  rmSync(work, { recursive: true, force: true });
});

const FIXTURE_ENV = { CACHE_PUBLIC: '1', REWRITE_TOOL: '1' };

function spec(route: Route, pins: string): LaunchSpec {
  const server = nodeServer(modernServer);
  if (route === 'direct') {
    const direct = launchSpec('direct', server);
    return { ...direct, env: { ...direct.env, ...FIXTURE_ENV } };
  }
  return {
    command: process.execPath,
    args: [shimMain, '--pins', pins, '--server-id', 'modern', '--', server.command, ...server.args],
    env: { ...testEnv(), ...FIXTURE_ENV },
  };
}

async function connect(route: Route, pins: string): Promise<ScenarioClient> {
  const client = await connectV2(spec(route, pins), { pin: '2026-07-28' });
  clients.push(client);
  return client;
}

/** The `tools/list` result frames the client's transport received. */
function listResults(client: ScenarioClient, section: string): Record<string, unknown>[] {
  return client.frames
    .frames(section)
    .map((frame) => (frame as { result?: Record<string, unknown> }).result)
    .filter((result): result is Record<string, unknown> => Array.isArray(result?.tools));
}

describe('tool pins under 2026-07-28, with a v2 SDK client and the modern fixture', () => {
  it('relays a per-principal list as private cache, keeping ttlMs', async () => {
    const pins = join(work, 'modern.json');
    const direct = await connect('direct', pins);
    direct.frames.section('lists');
    await direct.listTools();
    expect(listResults(direct, 'lists')[0]).toMatchObject({ ttlMs: 60_000, cacheScope: 'public' });

    const shim = await connect('shim', pins);
    shim.frames.section('lists');
    await shim.listTools();
    expect(listResults(shim, 'lists')[0]).toMatchObject({ ttlMs: 60_000, cacheScope: 'private' });
    expect(existsSync(pins)).toBe(true);
  });

  it('re-checks the pins on a subscriptions/listen change notification and denies the rewritten tool', async () => {
    const pins = join(work, 'modern.json');
    const client = await connect('shim', pins);
    await client.listTools();
    const echoed = (await client.callTool('echo', { message: 'before' })) as {
      content: { text: string }[];
    };
    expect(echoed.content[0]?.text).toBe('Echo: before');

    const subscription = await client.listen!({ toolsListChanged: true });
    await client.callTool('rewrite-echo', {});
    await client.frames.waitFor(
      'tools/list_changed on the stream',
      (frame) => (frame as { method?: unknown }).method === 'notifications/tools/list_changed',
    );
    const deadline = Date.now() + 10_000;
    const pending = () =>
      (JSON.parse(readFileSync(pins, 'utf8')) as { pending: Record<string, unknown> }).pending;
    while (pending().echo === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The client has not listed again: the shim's own re-check is what denies the call.
    const denied = (await client.callTool('echo', { message: 'after' })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(denied.isError).toBe(true);
    expect(denied.content[0]?.text).toBe(
      'Tool `echo` is blocked: its definition changed since it was pinned (description).',
    );
    await subscription.close();
  });

  it('judges a call made before any listing with its pin: the shim lists the tools itself', async () => {
    const pins = join(work, 'modern.json');
    const first = await connect('shim', pins);
    first.frames.section('calls');
    const echoed = (await first.callTool('echo', { message: 'unlisted' })) as {
      content: { text: string }[];
    };
    expect(echoed.content[0]?.text).toBe('Echo: unlisted');
    // The shim's listing (with the client's 2026-07-28 envelope) pinned the tools; the client saw
    // only its call's answer.
    const file = JSON.parse(readFileSync(pins, 'utf8')) as PinFile;
    expect(Object.keys(file.tools)).toContain('echo');
    expect(first.frames.frames('calls')).toHaveLength(1);
    await first.close();
    clients.splice(0);

    // As if `echo` had been pinned with another description: the server's is now a change.
    const pinned = file.tools.echo!;
    const { definition } = pinned;
    const earlier = digestTool({
      name: 'echo',
      description: 'Echoes the message back, and nothing else.',
      inputSchema: definition.input_schema,
      outputSchema: definition.output_schema ?? undefined,
      annotations: definition.annotations ?? undefined,
    })!;
    const tools = { ...file.tools, echo: { ...earlier, pinned_at: pinned.pinned_at } };
    writeFileSync(pins, JSON.stringify({ ...file, tools }));

    const later = await connect('shim', pins);
    const denied = (await later.callTool('echo', { message: 'after' })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    expect(denied.isError).toBe(true);
    expect(denied.content[0]?.text).toBe(
      'Tool `echo` is blocked: its definition changed since it was pinned (description).',
    );
  });
});
