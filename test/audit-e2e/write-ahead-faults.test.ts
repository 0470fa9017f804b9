import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/shim-process.js';
import { auditedShim, DENY_FORBIDDEN, ECHO_SERVER } from './helpers/audited-shim.js';
import {
  decisionsOf,
  describeDecision,
  readLines,
  readLog,
  runCli,
  tempDir,
  type LoggedDecision,
  type LoggedRecord,
} from './helpers/audit-files.js';

/**
 * Write-ahead through the real shim under each fault: whatever ends the session, every message
 * that reached the server or was answered has its record, and the record was in the file before
 * the message moved (checked from the server's side and from the client's side).
 */

const PEEKING_SERVER = join(REPO, 'test/audit-e2e/fixtures/peeking-recording-server.mjs');
const BURST = 20;

type Fault = 'stdin closed' | 'SIGINT' | 'SIGTERM' | 'SIGKILL';

interface Peek {
  readonly method: string;
  readonly id?: unknown;
  readonly recorded: boolean;
}

interface Outcome {
  readonly log: string;
  readonly exit: { code: number | null; signal: NodeJS.Signals | null };
  readonly decisions: LoggedDecision[];
  /** What the server received, and whether its record was already in the log. */
  readonly serverPeeks: Peek[];
  /** Every answer the client received, and whether the record of its request was already in the log. */
  readonly clientPeeks: Peek[];
  readonly sentIds: number[];
}

const callText = (i: number) => (i % 5 === 0 ? 'forbidden' : `call ${i}`);

/** True when the log already holds a decision record for the request with this id. */
function loggedRequest(log: string, id: unknown): boolean {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"type":"decision"'))
    .some((line) => (JSON.parse(line) as LoggedDecision).input?.message.id === id);
}

/** `peekAt` points the server's check at another file: the control that shows the check can fail. */
async function runUntil(fault: Fault, peekAt?: string): Promise<Outcome> {
  const dir = tempDir('audit-e2e-wal-');
  const log = join(dir, 'audit.jsonl');
  const received = join(dir, 'received.jsonl');
  const shim = auditedShim(log, [PEEKING_SERVER], {
    args: ['--policy', DENY_FORBIDDEN],
    env: { AUDIT_LOG: peekAt ?? log, RECORD_FILE: received },
  });
  const clientPeeks: Peek[] = [];
  let pending = '';
  shim.child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const message = JSON.parse(line) as { id?: unknown; method?: unknown };
      if (message.id !== undefined && message.method === undefined) {
        clientPeeks.push({
          method: 'answer',
          id: message.id,
          recorded: loggedRequest(log, message.id),
        });
      }
    }
  });

  await shim.initialize();
  const sentIds: number[] = [1];
  // Traffic that completes (ids 2..6, "forbidden" at 5 is denied by the shim)…
  for (let i = 2; i <= 6; i += 1) {
    const reply = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: callText(i) },
    });
    expect(reply['id']).toBe(i);
    sentIds.push(i);
  }
  // …then a burst still in flight when the fault hits.
  for (let i = 100; i < 100 + BURST; i += 1) {
    shim.send({
      jsonrpc: '2.0',
      id: i,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: callText(i) } },
    });
    sentIds.push(i);
  }
  if (fault === 'stdin closed') shim.child.stdin.end();
  else shim.child.kill(fault);
  const exit = await shim.exited;

  const serverPeeks = existsSync(received)
    ? readLines(received).map((line) => JSON.parse(line) as Peek)
    : [];
  return { log, exit, decisions: decisionsOf(readLog(log)), serverPeeks, clientPeeks, sentIds };
}

function callIds(decisions: readonly LoggedDecision[], action?: string): unknown[] {
  return decisions
    .filter(
      (d) =>
        d.input?.message.method === 'tools/call' && (action === undefined || d.action === action),
    )
    .map((d) => d.input?.message.id);
}

function expectNothingMovedUnrecorded(outcome: Outcome): void {
  const { serverPeeks, clientPeeks, decisions } = outcome;
  // The server saw at least the handshake and the completed calls; each was logged before it came.
  expect(serverPeeks.filter((p) => p.method === 'tools/call').length).toBeGreaterThanOrEqual(4);
  expect(serverPeeks.filter((p) => !p.recorded)).toEqual([]);
  expect(clientPeeks.length).toBeGreaterThanOrEqual(6);
  expect(clientPeeks.filter((p) => !p.recorded)).toEqual([]);
  // Every call the server received was forwarded by a judged decision; no denied call reached it.
  const forwarded = callIds(decisions, 'forwarded');
  const reached = serverPeeks.filter((p) => p.method === 'tools/call').map((p) => p.id);
  expect(reached.filter((id) => !forwarded.includes(id))).toEqual([]);
  expect(reached.filter((id) => callIds(decisions, 'denied').includes(id))).toEqual([]);
  expect(callIds(decisions, 'denied')).toContain(5);
  // One record per judged message: no message was recorded twice.
  const ids = callIds(decisions);
  expect(new Set(ids).size).toBe(ids.length);
}

/** The server's exit is recorded as a fault, the session still ends, and the chain verifies. */
function expectChildExitThenVerifiableEnd(log: string, records: readonly LoggedRecord[]): void {
  expect(records.find((r) => r.type === 'fault')).toMatchObject({ fault: 'child_exit' });
  expect(records.at(-1)).toMatchObject({ type: 'end' });
  expect(runCli(['audit', 'verify', log]).status).toBe(0);
}

describe('write-ahead under each fault', () => {
  it.each(['stdin closed', 'SIGINT', 'SIGTERM'] as const)(
    'records everything that moved and closes a verifiable chain when %s',
    async (fault) => {
      const outcome = await runUntil(fault);
      expectNothingMovedUnrecorded(outcome);
      const records = readLog(outcome.log);
      expect(records.at(-1)).toMatchObject({ type: 'end' });
      const verify = runCli(['audit', 'verify', outcome.log]);
      expect(verify.stdout).toContain(': ok,');
      expect(verify.status).toBe(0);
    },
  );

  it('sees, from the server side, a message whose record is not in the file it checks (control)', async () => {
    const elsewhere = join(tempDir('audit-e2e-wal-control-'), 'other.jsonl');
    writeFileSync(elsewhere, '');
    const outcome = await runUntil('stdin closed', elsewhere);
    expect(outcome.serverPeeks.length).toBeGreaterThan(0);
    expect(outcome.serverPeeks.every((p) => !p.recorded)).toBe(true);
    expect(() => {
      expectNothingMovedUnrecorded(outcome);
    }).toThrow();
  });

  it('judges and records every message the client wrote before closing stdin', async () => {
    const outcome = await runUntil('stdin closed');
    expect(outcome.exit.code).toBe(0);
    expect(callIds(outcome.decisions).sort()).toEqual(
      outcome.sentIds.filter((id) => id !== 1).sort(),
    );
    expect(outcome.decisions.map(describeDecision).slice(0, 2)).toEqual([
      'initialize',
      'notifications/initialized',
    ]);
  });

  it('keeps every record after a SIGKILL of the shim, and verify reports it unterminated (exit 3), not tampered', async () => {
    const outcome = await runUntil('SIGKILL');
    expect(outcome.exit.signal).toBe('SIGKILL');
    expectNothingMovedUnrecorded(outcome);
    const lines = readLines(outcome.log);
    expect(readLog(outcome.log).at(-1)?.type).not.toBe('end');
    const verify = runCli(['audit', 'verify', outcome.log]);
    expect(verify.status).toBe(3);
    expect(verify.stderr).toBe('');
    expect(verify.stdout).toContain(
      `${outcome.log}: unterminated: the session that starts at line 1 has no end record (the log stops at line ${lines.length}). The writer was killed (crash, SIGKILL) or the file was cut there; every record present verifies: ${lines.length} lines, ${lines.length - 1} records in 1 session(s); last line sha256 `,
    );
    const json = runCli(['audit', 'verify', '--json', outcome.log]);
    expect(json.status).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({
      state: 'unterminated',
      logs: [
        {
          file: outcome.log,
          state: 'unterminated',
          lines: lines.length,
          unterminated_sessions: [{ start_line: 1, last_line: lines.length, cause: 'log_ends' }],
        },
      ],
    });
  });

  it('marks the next session after a SIGKILL as after an unclean end, and verify keeps naming the killed session', async () => {
    const outcome = await runUntil('SIGKILL');
    const killedLines = readLines(outcome.log).length;
    const next = auditedShim(outcome.log, [ECHO_SERVER]);
    await next.initialize();
    expect((await next.close()).code).toBe(0);
    const records = readLog(outcome.log);
    expect(records[killedLines]).toMatchObject({ type: 'start', after_unclean_end: true });
    expect(records.at(-1)?.type).toBe('end');
    const verify = runCli(['audit', 'verify', outcome.log]);
    expect(verify.status).toBe(3);
    expect(verify.stdout).toContain(
      `${outcome.log}: unterminated: the session that starts at line 1 has no end record (it stops at line ${killedLines}; a restarted shim marked the next start after_unclean_end)`,
    );
  });

  it('closes the chain on SIGTERM even when the server ignores SIGTERM (killed after the grace)', async () => {
    const log = join(tempDir('audit-e2e-ignores-'), 'audit.jsonl');
    const shim = auditedShim(log, [join(FIXTURES, 'ignores-sigterm-server.mjs')], {
      args: ['--shutdown-grace-ms', '200'],
    });
    await shim.initialize();
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'last words' } });
    shim.child.kill('SIGTERM');
    const exit = await shim.exited;
    expect(exit.code).not.toBe(0);
    expect(shim.stderr).toContain('ignoring SIGTERM');
    const records = readLog(log);
    expect(decisionsOf(records).map(describeDecision)).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/call echo',
    ]);
    expectChildExitThenVerifiableEnd(log, records);
  });

  it('keeps the record of the call the child crashed on (crash-mid-request fixture)', async () => {
    const log = join(tempDir('audit-e2e-crash-'), 'audit.jsonl');
    const shim = auditedShim(log, [join(FIXTURES, 'crash-mid-request-server.mjs')]);
    await shim.initialize();
    await shim.request('tools/list');
    const reply = await shim.request('tools/call', { name: 'echo', arguments: { text: 'boom' } });
    expect(reply['error']).toBeDefined();
    expect((await shim.exited).code).toBe(3);
    const records = readLog(log);
    expect(decisionsOf(records).map((d) => `${describeDecision(d)} ${d.action}`)).toEqual([
      'initialize forwarded',
      'notifications/initialized forwarded',
      'tools/list forwarded',
      'tools/call echo forwarded',
    ]);
    expectChildExitThenVerifiableEnd(log, records);
  });
});
