import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/shim-process.js';
import { auditedShim, DENY_FORBIDDEN, ECHO_SERVER, EVERYTHING } from './helpers/audited-shim.js';
import {
  decisionsOf,
  readLog,
  runCli,
  tempDir,
  type LoggedDecision,
} from './helpers/audit-files.js';

/**
 * Records beyond the plain client request: requests the server sends the client (sampling) and
 * the client's answers, every element of a batch, and the policy revision across a hot reload.
 */

const work = tempDir('audit-e2e-more-');

const summary = (d: LoggedDecision) =>
  `${d.input?.direction ?? '?'} ${d.input?.message.kind ?? '?'} ${d.input?.message.method ?? '?'} ${d.action}`;

async function samplingSession(name: string, data?: object) {
  const log = join(work, `${name}.jsonl`);
  const args: string[] = [];
  if (data !== undefined) {
    const file = join(work, `${name}.json`);
    writeFileSync(file, JSON.stringify(data));
    args.push('--data', file);
  }
  const shim = auditedShim(log, [EVERYTHING, 'stdio'], { args });
  await shim.initialize('2025-06-18', { sampling: {} });
  // server-everything registers its sampling tool once it knows the client can sample.
  await shim.waitFor((m) => m['method'] === 'notifications/tools/list_changed');
  const call = shim.request('tools/call', {
    name: 'trigger-sampling-request',
    arguments: { prompt: 'hello', maxTokens: 5 },
  });
  return { shim, log, call };
}

describe('records of server-to-client requests and the client answers', () => {
  it('records a sampling request the default policy denies, which never reaches the client', async () => {
    const { shim, log, call } = await samplingSession('sampling-denied');
    const reply = await call;
    await shim.close();
    expect(JSON.stringify(reply)).not.toContain('canned answer');
    expect(shim.stdoutLines.some((line) => line.includes('"sampling/createMessage"'))).toBe(false);
    const sampling = decisionsOf(readLog(log)).filter(
      (d) => d.input?.message.method === 'sampling/createMessage',
    );
    expect(sampling.map(summary)).toEqual(['to_client request sampling/createMessage denied']);
    expect(sampling[0]?.result?.reasons).toEqual(['sampling_not_allowed']);
  }, 30_000);

  it('records an allowed sampling request and the client answer to it', async () => {
    const { shim, log, call } = await samplingSession('sampling-allowed', {
      sampling: { allow: true },
    });
    const request = await shim.waitFor((m) => m['method'] === 'sampling/createMessage');
    shim.send({
      jsonrpc: '2.0',
      id: request['id'] as number,
      result: {
        role: 'assistant',
        content: { type: 'text', text: 'canned answer' },
        model: 'test-model',
        stopReason: 'endTurn',
      },
    });
    expect(JSON.stringify(await call)).toContain('canned answer');
    await shim.close();
    const records = decisionsOf(readLog(log)).filter((d) =>
      ['sampling/createMessage', 'tools/call'].includes(d.input?.message.method ?? ''),
    );
    expect(records.map(summary)).toEqual([
      'to_server request tools/call forwarded',
      'to_client request sampling/createMessage forwarded',
      'to_server response sampling/createMessage forwarded',
    ]);
  }, 30_000);
});

describe('records of a JSON-RPC batch (2025-03-26)', () => {
  it('writes one record per element, the denied one included', async () => {
    const log = join(work, 'batch.jsonl');
    const shim = auditedShim(log, [ECHO_SERVER], { args: ['--policy', DENY_FORBIDDEN] });
    await shim.initialize('2025-03-26');
    const texts = ['first', 'forbidden', 'third'];
    shim.send(
      texts.map((text, i) => ({
        jsonrpc: '2.0',
        id: 10 + i,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text } },
      })),
    );
    await Promise.all(texts.map((_, i) => shim.waitFor((m) => m['id'] === 10 + i)));
    await shim.close();
    const calls = decisionsOf(readLog(log)).filter((d) => d.input?.message.method === 'tools/call');
    expect(calls.map((d) => [d.input?.message.id, d.input?.arguments['text'], d.action])).toEqual([
      [10, 'first', 'forwarded'],
      [11, 'forbidden', 'denied'],
      [12, 'third', 'forwarded'],
    ]);
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
  }, 30_000);
});

describe('the policy revision across a hot reload', () => {
  it('stamps each record with the sha256 of the policy that judged it', async () => {
    const rego = join(work, 'live.rego');
    copyFileSync(join(REPO, 'test/e2e/policies/allow-all.rego'), rego);
    const before = createHash('sha256').update(readFileSync(rego)).digest('hex');
    const log = join(work, 'reload.jsonl');
    const shim = auditedShim(log, [ECHO_SERVER], { args: ['--policy', rego] });
    await shim.initialize();
    const echo = (text: string) =>
      shim.request('tools/call', { name: 'echo', arguments: { text } });
    expect((await echo('before'))['result']).toBeDefined();
    copyFileSync(DENY_FORBIDDEN, rego);
    const after = createHash('sha256').update(readFileSync(rego)).digest('hex');
    let denied = false;
    for (let i = 0; i < 60 && !denied; i += 1) {
      denied = isError(await echo('forbidden'));
      if (!denied) await sleep(200);
    }
    expect(denied).toBe(true);
    await shim.close();
    const records = readLog(log);
    const decisions = decisionsOf(records);
    const stamp = (d: LoggedDecision | undefined) => (d?.['policy'] as { sha256: string }).sha256;
    const first = decisions.find((d) => d.input?.arguments['text'] === 'before');
    const lastDenied = decisions.filter((d) => d.action === 'denied').at(-1);
    expect(stamp(first)).toBe(before);
    expect(stamp(lastDenied)).toBe(after);
    expect(records[0]?.['policy']).toMatchObject({ sha256: before });
    // Every decision made by the old policy allowed; every denial carries the new revision.
    for (const d of decisions.filter((r) => r.action === 'denied')) expect(stamp(d)).toBe(after);
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
  }, 30_000);
});

function isError(reply: Record<string, unknown>): boolean {
  return (reply['result'] as { isError?: boolean } | undefined)?.isError === true;
}

describe('records in monitor mode', () => {
  it('records a message the policy denies as monitored, and forwards it', async () => {
    const log = join(work, 'monitor.jsonl');
    const received = join(work, 'monitor-received.jsonl');
    const shim = auditedShim(log, [join(FIXTURES, 'recording-server.mjs')], {
      args: ['--mode', 'monitor', '--policy', DENY_FORBIDDEN],
      env: { RECORD_FILE: received },
    });
    await shim.initialize();
    const reply = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'forbidden' },
    });
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'fine' } });
    await shim.close();
    expect(reply['result']).toEqual({ content: [{ type: 'text', text: 'forbidden' }] });
    expect(readFileSync(received, 'utf8')).toContain('"text":"forbidden"');
    const calls = decisionsOf(readLog(log)).filter((d) => d.input?.message.method === 'tools/call');
    expect(calls.map((d) => [d.input?.arguments['text'], d.result?.allow, d.action])).toEqual([
      ['forbidden', false, 'monitored'],
      ['fine', true, 'forwarded'],
    ]);
  }, 30_000);
});
