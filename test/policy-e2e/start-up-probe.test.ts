import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ShimProcess } from '../helpers/shim-process.js';
import { CATALOG_SERVER } from './helpers/policy-shim.js';
import { expectServerStopped, MARKER_LAUNCHER } from './helpers/server-marker.js';

const work = mkdtempSync(join(tmpdir(), 'start-up-probe-'));
const shims: ShimProcess[] = [];
afterEach(async () => {
  await Promise.all(shims.splice(0).map((shim) => shim.close()));
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const ALLOW_ALL = 'package mcp\n\ndecision := {"allow": true}\n';

/** Policies that compile but return no decision object, and what the shim must say. */
const WRONG_SHAPES = [
  {
    note: 'decision := true',
    rego: 'package mcp\n\ndecision := true\n',
    says: 'returned `true`, not an object',
  },
  {
    note: 'an allow that is a string',
    rego: 'package mcp\n\ndecision := {"allow": "yes"}\n',
    says: 'returned `{"allow":"yes"}`, whose `allow` is `"yes"`, not a boolean',
  },
  {
    note: 'a decision undefined for initialize',
    rego: 'package mcp\n\ndecision := {"allow": true} if input.operation.type == "tool"\n',
    says: 'is undefined (add a `default` rule)',
  },
] as const;

/** The catalog fixture server, through a launcher that leaves its pid when it starts. */
function markedServer(marker: string): string[] {
  return [
    '/bin/sh',
    '-c',
    `${MARKER_LAUNCHER} "$1" "$2" deploy`,
    marker,
    process.execPath,
    CATALOG_SERVER,
  ];
}

function start(policy: string, server: string[]): ShimProcess {
  const shim = new ShimProcess(['--policy', policy, '--', ...server]);
  shims.push(shim);
  return shim;
}

async function stderrHas(shim: ShimProcess, needle: string, count = 1): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (shim.stderr.split(needle).length - 1 < count) {
    if (Date.now() > deadline) throw new Error(`no "${needle}" on stderr:\n${shim.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('The start-up probe: the policy must answer with {allow: boolean, …}', () => {
  for (const [i, shape] of WRONG_SHAPES.entries()) {
    it(`stops with exit 78, and stops the server, on ${shape.note}`, async () => {
      const policy = join(work, `wrong-${String(i)}.rego`);
      writeFileSync(policy, shape.rego);
      const marker = join(work, `started-${String(i)}`);
      const shim = start(policy, markedServer(marker));
      expect((await shim.exited).code).toBe(78);
      expect(shim.stderr).toContain('entrypoint `mcp/decision` (`--entrypoint`)');
      expect(shim.stderr).toContain(shape.says);
      expect(shim.stdoutLines).toEqual([]);
      expectServerStopped(marker);
    });
  }

  it('keeps the last good policy when a reload brings a wrong shape', async () => {
    const policy = join(work, 'reloaded.rego');
    writeFileSync(policy, ALLOW_ALL);
    const shim = start(policy, markedServer(join(work, 'started-reload')));
    await shim.initialize();
    writeFileSync(policy, WRONG_SHAPES[0].rego);
    await stderrHas(shim, 'policy reload failed; keeping the last good version');
    expect(shim.stderr).toContain(WRONG_SHAPES[0].says);
    const reply = await shim.request('tools/call', { name: 'list_releases', arguments: {} });
    // Still allowed by the last good policy (a denial would be isError: true).
    expect(reply.result).toMatchObject({ content: [{ type: 'text' }] });
    expect(reply.result).not.toHaveProperty('isError', true);
  });
});
