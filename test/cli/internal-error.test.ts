import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, ShimProcess } from '../helpers/shim-process.js';

// A bug in the shim (an exception nothing expected) during start-up: the client is answered with
// the cause, the shim exits 70 (EX_SOFTWARE) with the stack on stderr, and the server it had
// already spawned does not outlive it. The fault is injected by a wrapper around the built bin
// that breaks crypto.randomUUID, which the relay's session calls after the spawn and before stdin
// is read.
const BROKEN_BIN = join(REPO, 'test/cli/fixtures/break-session-id.mjs');
const EVERYTHING = join(REPO, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('an internal error at start-up', () => {
  it('answers the client with the cause, exits 70 and stops the server', async () => {
    const shim = new ShimProcess(['--', process.execPath, EVERYTHING, 'stdio'], {
      main: BROKEN_BIN,
    });
    const reply = await shim.initialize();
    expect(reply.error).toEqual({
      code: -32603,
      message:
        'mcp-opa-shim could not start (exit 70): internal error: injected fault in randomUUID. This is a bug in mcp-opa-shim: please report it with the stack printed on stderr.',
    });
    expect((await shim.exited).code).toBe(70);
    expect(shim.stderr).toContain('mcp-opa-shim: internal error, stack: Error: injected fault');
    const serverPid = Number(/"serverPid":(\d+)/.exec(shim.stderr)?.[1]);
    expect(serverPid).toBeGreaterThan(0);
    await expect.poll(() => isRunning(serverPid), { timeout: 5_000 }).toBe(false);
  });
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
