import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord, FaultRecord } from '../../src/audit/audit-record.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import { assertShimBuilt, repoRoot, shimMain } from '../e2e/helpers/paths.js';
import { readRecords } from './helpers/read-records.js';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Write-ahead through the built shim: whatever ends the session, the record of every message
 * that moved is in the audit log, and a clean shutdown closes the chain with an end record.
 */

interface Session {
  readonly shim: ChildProcessWithoutNullStreams;
  readonly log: string;
  send(message: object): void;
  reply(id: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<[number | null, NodeJS.Signals | null]>;
}

/** `server` is a script in test/fixtures, or an absolute path. */
function startSession(server: string): Session {
  const log = join(mkdtempSync(join(tmpdir(), 'write-ahead-shim-')), 'audit.jsonl');
  const script = server.startsWith('/') ? server : join(repoRoot, 'test/fixtures', server);
  const shimArgs = ['--audit-log', log, '--log-level', 'silent', '--', process.execPath, script];
  const shim = spawn(process.execPath, [shimMain, ...shimArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AUDIT_LOG: log },
  });
  let stderr = '';
  shim.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(shim, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const waiting = new Map<number, (m: Record<string, unknown>) => void>();
  createInterface({ input: shim.stdout }).on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    if (typeof message['id'] === 'number') waiting.get(message['id'])?.(message);
  });
  return {
    shim,
    log,
    exited,
    send: (message) => shim.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`),
    // A shim that exits without answering fails the test at once, with its stderr.
    reply: (id) =>
      Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiting.set(id, resolve)),
        exited.then(() =>
          Promise.reject(new Error(`the shim exited before answering ${id}: ${stderr}`)),
        ),
      ]),
  };
}

async function initialise(session: Session): Promise<void> {
  const answered = session.reply(0);
  session.send({
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 't', version: '1' },
    },
  });
  await answered;
  session.send({ method: 'notifications/initialized' });
}

const toolCall = (id: number) => ({
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text: `call ${id}` } },
});

/** Sends tool call `id` and resolves with its answer. */
function call(session: Session, id: number): Promise<Record<string, unknown>> {
  const answered = session.reply(id);
  session.send(toolCall(id));
  return answered;
}

function decisions(log: string): DecisionRecord[] {
  return readRecords(log).filter((r): r is DecisionRecord => r.type === 'decision');
}

function calledIds(log: string): unknown[] {
  return decisions(log)
    .filter((r) => r.input?.message.method === 'tools/call')
    .map((r) => r.input?.message.id);
}

beforeAll(() => {
  assertShimBuilt();
});

describe('write-ahead through the shim', () => {
  it('has the record of a call in the log before the server receives the call', async () => {
    const session = startSession(join(here, 'fixtures/audit-peeking-server.mjs'));
    await initialise(session);
    for (const id of [1, 2, 3]) {
      expect((await call(session, id))['result']).toEqual({
        content: [{ type: 'text', text: 'recorded' }],
      });
    }
    session.shim.stdin.end();
    await session.exited;
    expect(await verifyAuditLog(session.log)).toMatchObject({
      state: 'ok',
      records: expect.any(Number),
    });
  });

  it('keeps the record of a call the child crashed on, and closes the log', async () => {
    const session = startSession('crash-mid-request-server.mjs');
    await initialise(session);
    expect((await call(session, 1))['error']).toBeDefined();
    expect((await session.exited)[0]).toBe(3);
    expect(calledIds(session.log)).toEqual([1]);
    const fault = readRecords(session.log).find((r): r is FaultRecord => r.type === 'fault');
    expect(fault).toMatchObject({ fault: 'child_exit' });
    expect(await verifyAuditLog(session.log)).toMatchObject({ state: 'ok' });
  });

  it('keeps the record of a call sent just before the client closed stdin', async () => {
    const session = startSession('echo-server.mjs');
    await initialise(session);
    session.send(toolCall(1));
    session.shim.stdin.end();
    await session.exited;
    expect(calledIds(session.log)).toEqual([1]);
    expect(await verifyAuditLog(session.log)).toMatchObject({ state: 'ok' });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'keeps every record and closes the chain on %s',
    async (signal) => {
      const session = startSession('echo-server.mjs');
      await initialise(session);
      await call(session, 1);
      session.shim.kill(signal);
      await session.exited;
      expect(calledIds(session.log)).toEqual([1]);
      expect(readRecords(session.log).at(-1)?.type).toBe('end');
      expect(await verifyAuditLog(session.log)).toMatchObject({ state: 'ok' });
    },
  );

  it('has the record of a call in the log as soon as its answer reaches the client, even if the shim is then SIGKILLed', async () => {
    const session = startSession('echo-server.mjs');
    await initialise(session);
    await call(session, 1);
    session.shim.kill('SIGKILL');
    await session.exited;
    expect(calledIds(session.log)).toEqual([1]);
    expect(await verifyAuditLog(session.log)).toMatchObject({
      state: 'unterminated',
      unterminated: [{ startLine: 1, cause: 'log_ends' }],
    });
  });
});
