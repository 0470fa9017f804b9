import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';
import { expectServerStopped, MARKER_LAUNCHER } from './helpers/server-marker.js';
import {
  CATALOG_SERVER,
  nodeCommand,
  type PolicyShim,
  toolOutcome,
} from './helpers/policy-shim.js';

const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const work = mkdtempSync(join(tmpdir(), 'data-validation-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const startShim = shimsClosedAfterEach();

/** The data mistakes of issue 12, each with what the shim must say about it. */
const MISTAKES = [
  {
    note: 'a mistyped top-level key',
    data: { alowed_tools: { operator: ['list_releases'] } },
    says: ['unknown key `alowed_tools` at the top level', 'did you mean `allowed_tools`?'],
  },
  {
    note: 'deny_tool inside a tier',
    data: {
      tiers: { ops: { servers: { '*': { deny_tool: ['deploy_release'] } } } },
      default_tier: 'ops',
    },
    says: ['unknown key `deny_tool` in `/tiers/ops/servers/*`', 'did you mean `deny_tools`?'],
  },
  {
    note: 'a wrong type',
    data: { allowed_tools: { operator: 'list_releases' } },
    says: ['`/allowed_tools/operator` must be an array, got `"list_releases"`'],
  },
] as const;

/**
 * The real server-filesystem, started through `sh` so that the test can see whether it was
 * started and then stopped: the launcher leaves its pid before it execs the server.
 */
function markedFilesystem(marker: string): string[] {
  return [
    '/bin/sh',
    '-c',
    `${MARKER_LAUNCHER} "$1" "$2" "$3"`,
    marker,
    process.execPath,
    FILESYSTEM,
    work,
  ];
}

async function stderrHas(shim: PolicyShim, needle: string, count = 1): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (shim.process.stderr.split(needle).length - 1 < count) {
    if (Date.now() > deadline) throw new Error(`no "${needle}" on stderr:\n${shim.process.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('Data validated against the default policy schema, end to end', () => {
  for (const [i, mistake] of MISTAKES.entries()) {
    it(`refuses ${mistake.note} at start-up with exit 78 and stops the server`, async () => {
      const marker = join(work, `started-${String(i)}`);
      const shim = startShim({ data: mistake.data, server: markedFilesystem(marker) });
      const { code } = await shim.process.exited;
      expect(code).toBe(78);
      for (const text of mistake.says) expect(shim.process.stderr).toContain(text);
      expect(shim.process.stderr).toContain(`Invalid \`--data\` file \`${shim.dataPath}\``);
      expect(shim.process.stdoutLines).toEqual([]);
      expectServerStopped(marker);
    });
  }

  it('starts the same server with the corrected data', async () => {
    const marker = join(work, 'started-good');
    const shim = startShim({
      data: { allowed_tools: { '*': ['list_*'] } },
      server: markedFilesystem(marker),
    });
    expect((await shim.initialize()).serverInfo).toMatchObject({
      name: 'secure-filesystem-server',
    });
    expect(existsSync(marker)).toBe(true);
  });

  it('keeps the last good data when a reload brings each mistake, and says why', async () => {
    const shim = startShim({
      data: { allowed_tools: { operator: ['list_releases'] } },
      args: ['--principal', 'operator', '--server-id', 'deploy'],
      server: nodeCommand(CATALOG_SERVER, 'deploy'),
    });
    await shim.initialize();
    const denied = { error: { code: -32602 } };
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject(
      denied,
    );
    for (const [i, mistake] of MISTAKES.entries()) {
      shim.writeData(mistake.data);
      await stderrHas(shim, 'policy reload failed; keeping the last good version', i + 1);
      for (const text of mistake.says) await stderrHas(shim, text.replaceAll('"', '\\"'));
      // Each mistake would have allowed deploy_release; the last good allow-list still denies it.
      expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject(
        denied,
      );
      expect(toolOutcome(await shim.callTool('list_releases'))).toMatchObject({ isError: false });
    }
    expect(shim.process.stderr).not.toContain('policy reloaded');
  });
});
