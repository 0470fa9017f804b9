import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SHIM } from '../helpers/shim-process.js';

// A bug in the shim (an exception nothing expected) during start-up: the client is answered with
// the cause, the shim exits 70 (EX_SOFTWARE) with the stack on stderr, and the server it had
// already spawned does not outlive it. The fault is injected by a preload that breaks
// crypto.randomUUID, which the relay's session calls after the spawn and before stdin is read.
const BREAK = join(REPO, 'test/cli/fixtures/break-session-id.mjs');
const EVERYTHING = join(REPO, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

describe('an internal error at start-up', () => {
  it('answers the client with the cause, exits 70 and stops the server', async () => {
    const child = spawn(
      process.execPath,
      ['--import', BREAK, SHIM, '--', process.execPath, EVERYTHING, 'stdio'],
      { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.write(
      `${JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'internal-error-test', version: '1.0.0' },
        },
      })}\n`,
    );
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(70);
    expect(JSON.parse(stdout.trim())).toEqual({
      jsonrpc: '2.0',
      id: 1,
      error: {
        code: -32603,
        message:
          'mcp-opa-shim could not start (exit 70): internal error: injected fault in randomUUID. This is a bug in mcp-opa-shim: please report it with the stack printed on stderr.',
      },
    });
    expect(stderr).toContain('mcp-opa-shim: internal error, stack: Error: injected fault');
    const serverPid = Number(/"serverPid":(\d+)/.exec(stderr)?.[1]);
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
