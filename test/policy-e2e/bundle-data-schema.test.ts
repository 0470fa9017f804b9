import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPA_DIR, SHIM } from '../helpers/shim-process.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';
import {
  CATALOG_SERVER,
  nodeCommand,
  type PolicyShim,
  toolOutcome,
} from './helpers/policy-shim.js';

// A bundle from `mcp-opa-shim build` carries its data schema: `--data` is checked against it at
// start-up (exit 78) and on every reload (the last good data stays in force).
const work = mkdtempSync(join(tmpdir(), 'bundle-schema-'));
const bundle = join(work, 'bundle.tar.gz');
const startShim = shimsClosedAfterEach();

beforeAll(() => {
  const env = { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` };
  const dir = join(work, 'policy');
  for (const args of [
    ['init', dir],
    ['build', dir, '-o', bundle],
  ]) {
    const result = spawnSync(process.execPath, [SHIM, ...args], { env, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function stderrHas(shim: PolicyShim, needle: string, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (shim.process.stderr.split(needle).length - 1 < count) {
    if (Date.now() > deadline) throw new Error(`no "${needle}" on stderr:\n${shim.process.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const TYPO = { alowed_tools: { operator: ['list_releases'] } };

describe('--policy bundle from mcp-opa-shim build: its data schema', () => {
  it('refuses a mistyped --data key at start-up with exit 78', async () => {
    const shim = startShim({
      data: TYPO,
      args: ['--policy', bundle],
      server: nodeCommand(CATALOG_SERVER, 'deploy'),
    });
    expect((await shim.process.exited).code).toBe(78);
    expect(shim.process.stderr).toContain(
      'unknown key `alowed_tools` at the top level: did you mean `allowed_tools`?',
    );
    expect(shim.process.stdoutLines).toEqual([]);
  });

  it('keeps the last good data when a reload brings a mistake', async () => {
    const shim = startShim({
      data: { allowed_tools: { operator: ['list_releases'] } },
      args: ['--policy', bundle, '--principal', 'operator', '--server-id', 'deploy'],
      server: nodeCommand(CATALOG_SERVER, 'deploy'),
    });
    await shim.initialize();
    const denied = { error: { code: -32602 } };
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject(
      denied,
    );
    shim.writeData(TYPO);
    await stderrHas(shim, 'policy reload failed; keeping the last good version');
    await stderrHas(shim, 'did you mean `allowed_tools`?');
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject(
      denied,
    );
    expect(toolOutcome(await shim.callTool('list_releases'))).toMatchObject({ isError: false });
    // And no replacement warning: the default policy is in the bundle.
    expect(shim.process.stderr).not.toContain('replaces the default policy');
  });
});
