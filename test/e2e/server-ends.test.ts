import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLog, runCli, type LoggedRecord } from '../audit-e2e/helpers/audit-files.js';
import { auditedShim, ECHO_SERVER } from '../audit-e2e/helpers/audited-shim.js';
import { FIXTURES, REPO, nonProtocolLines } from '../helpers/shim-process.js';

/**
 * How a session ends, through the built shim: the exit code, the line on stderr, the errors the
 * client gets for requests left pending, and the audit log (a clean end is not a fault).
 */

const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const CLOSES_STDOUT = join(FIXTURES, 'closes-stdout-server.mjs');

function newLog(): string {
  return join(mkdtempSync(join(tmpdir(), 'server-ends-')), 'audit.jsonl');
}

function faults(records: readonly LoggedRecord[]): LoggedRecord[] {
  return records.filter((record) => record.type === 'fault');
}

function summaryOf(log: string): { faults: number; by_session_end: Record<string, number> } {
  const run = runCli(['audit', 'summary', '--json', log]);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as { faults: number; by_session_end: Record<string, number> };
}

describe('a normal session end', () => {
  it('is recorded as a clean end, not a fault, when the server exits on stdin EOF', async () => {
    const log = newLog();
    const shim = auditedShim(log, [ECHO_SERVER]);
    await shim.initialize();
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'hi' } });
    expect((await shim.close()).code).toBe(0);
    const records = readLog(log);
    expect(faults(records)).toEqual([]);
    expect(records.at(-1)).toMatchObject({
      type: 'end',
      session_end: { kind: 'clean', exit_code: 0 },
    });
    expect(shim.stderr).toBe('');
    expect(summaryOf(log)).toMatchObject({ faults: 0, by_session_end: { clean: 1 } });
  });

  it('is clean when the shim had to end the server with SIGTERM after the client left', async () => {
    const log = newLog();
    const shim = auditedShim(log, [CLOSES_STDOUT], { args: ['--shutdown-grace-ms', '200'] });
    await shim.initialize();
    expect((await shim.close()).code).toBe(0);
    const records = readLog(log);
    expect(faults(records)).toEqual([]);
    expect(records.at(-1)).toMatchObject({
      type: 'end',
      session_end: { kind: 'clean', detail: expect.stringContaining('killed by SIGTERM') },
    });
  });

  it('delivers the answers to requests still pending when the client closes stdin (server-filesystem)', async () => {
    const log = newLog();
    const dir = mkdtempSync(join(tmpdir(), 'server-ends-fs-'));
    const shim = auditedShim(log, [FILESYSTEM, dir]);
    const init = {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'shim-test', version: '1.0.0' },
    };
    // Everything in one write, stdin closed right after: the client is done sending, not reading.
    shim.sendRaw(
      [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: init },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/list' },
        {
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/call',
          params: { name: 'list_allowed_directories', arguments: {} },
        },
      ]
        .map((message) => JSON.stringify(message) + '\n')
        .join(''),
    );
    const exit = await shim.close();
    const answered = shim.stdoutLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(answered.map((message) => message.id)).toEqual([1, 2, 3]);
    expect(answered.every((message) => 'result' in message)).toBe(true);
    expect(exit.code).toBe(0);
    expect(faults(readLog(log))).toEqual([]);
  });
});

describe('a server that dies mid-session', () => {
  it('makes the shim exit non-zero, even with exit code 0, and says why on stderr', async () => {
    const log = newLog();
    const shim = auditedShim(log, [join(FIXTURES, 'exit-code-server.mjs')], {
      env: { EXIT_CODE: '0' },
    });
    await shim.initialize();
    const exit = await shim.exited;
    expect(exit.code).toBe(69);
    expect(shim.stderr).toContain(
      'mcp-opa-shim: the server exited (exit code 0) while the client was still connected; no request was pending; exiting with 69.',
    );
    const records = readLog(log);
    expect(faults(records)).toMatchObject([{ fault: 'child_exit', direction: 'to_client' }]);
    expect(records.at(-1)).toMatchObject({ session_end: { kind: 'fault', exit_code: 69 } });
    expect(summaryOf(log)).toMatchObject({ faults: 1, by_session_end: { fault: 1 } });
  });

  it('answers the pending request with an error that says the server exited, and counts it on stderr', async () => {
    const log = newLog();
    const shim = auditedShim(log, [join(FIXTURES, 'crash-mid-request-server.mjs')]);
    await shim.initialize();
    const reply = await shim.request('tools/call', { name: 'echo', arguments: { text: 'boom' } });
    expect(reply.error).toEqual({
      code: -32603,
      message: 'The server exited (exit code 3) before answering this request.',
    });
    expect((await shim.exited).code).toBe(3);
    expect(shim.stderr).toContain(
      'the server exited (exit code 3) while the client was still connected; 1 pending request was answered with an error; exiting with 3.',
    );
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
  });

  it('names the signal that killed the server', async () => {
    const shim = auditedShim(newLog(), [join(FIXTURES, 'exit-code-server.mjs')], {
      env: { EXIT_SIGNAL: 'SIGKILL' },
    });
    await shim.initialize();
    expect((await shim.exited).code).toBe(128 + 9);
    expect(shim.stderr).toContain('the server exited (killed by SIGKILL) while the client');
  });

  it('stops a server that closed its stdout but kept running, and fails the request it left', async () => {
    const log = newLog();
    const shim = auditedShim(log, [CLOSES_STDOUT], { args: ['--shutdown-grace-ms', '200'] });
    await shim.initialize();
    const reply = await shim.request('tools/call', { name: 'echo', arguments: {} });
    expect(reply.error).toEqual({
      code: -32603,
      message:
        'The server closed its output and then exited (killed by SIGTERM) before answering this request.',
    });
    expect((await shim.exited).code).toBe(128 + 15);
    expect(shim.stderr).toContain(
      'the server closed its stdout while still running, so nothing more could reach the client; the shim stopped it and it exited (killed by SIGTERM); 1 pending request was answered with an error',
    );
    expect(faults(readLog(log))).toMatchObject([{ fault: 'child_exit' }]);
  });
});
