import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/policy/load-engine.js';
import { tempDir } from '../input/helpers/input-fixtures.js';
import { answer, call, fileRoot, startHarness, type Harness } from './helpers/relay-harness.js';

/** The default policy with `write_file` and `deploy` needing approval. */
async function approvalPolicy() {
  const dir = tempDir('mcp-opa-shim-approval-data-');
  const data = path.join(dir, 'data.json');
  writeFileSync(data, JSON.stringify({ approval: { tools: ['write_file', 'deploy'] } }));
  return loadEngine({
    policy: { kind: 'embedded' },
    dataFiles: [data],
    entrypoint: 'mcp/decision',
    watch: false,
  });
}

async function start(roots: string[] = [], approvalTimeoutMs?: number): Promise<Harness> {
  return startHarness(roots, '2025-06-18', {
    policy: await approvalPolicy(),
    capabilities: { elicitation: {} },
    ...(approvalTimeoutMs === undefined ? {} : { approvalTimeoutMs }),
  });
}

type Message = Record<string, unknown>;
const isAsk = (m: Message) => m.method === 'elicitation/create';
const accept = (id: unknown, decision: string) => ({
  jsonrpc: '2.0',
  id,
  result: { action: 'accept', content: { decision } },
});
const lastAsk = (h: Harness) => h.toClient.flat.filter(isAsk).at(-1) as Message;

describe('approval in the client → server pipeline (legacy era)', () => {
  it('asks with an id of its own, consumes the answer, and forwards exactly the judged call', async () => {
    const h = await start();
    h.client(call(7, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    const ask = lastAsk(h);
    expect(ask.id).toMatch(/^mcp-opa-shim\/approval\/[0-9a-f-]{36}$/);
    expect(h.toServer.ids()).toEqual(['init']);
    h.client(accept(ask.id, 'approve_once'));
    await h.toServer.waitFor((m) => m.id === 7);
    expect(h.toServer.flat.at(-1)).toEqual(call(7, 'deploy', { env: 'prod' }));
    // The answer to the shim's own question never reaches the server.
    expect(h.toServer.ids()).toEqual(['init', 7]);
    expect(h.approvals.map((a) => [a.answer, a.granted, a.asked.via])).toEqual([
      ['approve_once', true, 'elicitation/create'],
    ]);
  });

  it('drops and audits an answer to a shim id it is not waiting on', async () => {
    const h = await start();
    h.client(accept('mcp-opa-shim/approval/00000000-0000-0000-0000-000000000000', 'approve_once'));
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init']);
    expect(h.faults.map((f) => [f.fault, f.action])).toEqual([['unexpected_response', 'dropped']]);
  });

  it('denies at once when the answer to its question is not valid JSON-RPC', async () => {
    const h = await start();
    h.client(call(7, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    // An error without a numeric code: not a JSON-RPC error, nor a result.
    h.client({ jsonrpc: '2.0', id: lastAsk(h).id, error: { message: 'dialog broke' } });
    await h.toClient.waitFor((m) => m.id === 7);
    const reply = h.toClient.flat.find((m) => m.id === 7) as {
      result: { isError: boolean; content: { text: string }[] };
    };
    expect(reply.result.isError).toBe(true);
    expect(reply.result.content[0]?.text).toContain(
      "Denied: the client's answer is not valid JSON-RPC (error must have a numeric code and a string message), so no one approved it.",
    );
    expect(h.toServer.ids()).toEqual(['init']);
    expect(h.approvals.map((a) => [a.answer, a.granted])).toEqual([['error', false]]);
    expect(h.faults.map((f) => f.fault)).toEqual(['invalid_message']);
  });

  it('does not block other messages while it waits (pipelining)', async () => {
    const h = await start();
    h.client(call(1, 'deploy', { env: 'prod' }), { jsonrpc: '2.0', id: 2, method: 'ping' });
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toServer.ids()).toEqual(['init', 2]);
    h.client(accept(lastAsk(h).id, 'deny'));
    await h.toClient.waitFor((m) => m.id === 1);
    expect(h.toServer.ids()).toEqual(['init', 2]);
    const reply = h.toClient.flat.find((m) => m.id === 1) as { result: { isError: boolean } };
    expect(reply.result.isError).toBe(true);
  });

  it('a write waiting for approval still holds later path-bearing calls behind it', async () => {
    const root = fileRoot();
    const h = await start([root]);
    h.client(
      call(1, 'write_file', { path: path.join(root, 'a.txt'), content: 'x' }),
      call(2, 'read_text_file', { path: path.join(root, 'notes.txt') }),
    );
    await h.toClient.waitFor(isAsk);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init']);
    h.client(accept(lastAsk(h).id, 'approve_once'));
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    // The write is now in flight: the read still waits for its answer.
    expect(h.toServer.ids()).toEqual(['init', 1]);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toServer.ids()).toEqual(['init', 1, 2]);
  });

  it('refuses a second request with the id of a call that waits for approval', async () => {
    const h = await start();
    h.client(call(1, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    h.client({ jsonrpc: '2.0', id: 1, method: 'ping' });
    await h.toClient.waitFor((m) => m.id === 1);
    expect(h.toServer.ids()).toEqual(['init']);
  });

  it('a call the client cancels while it waits is never forwarded, and the form is withdrawn', async () => {
    const h = await start();
    h.client(call(1, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    const ask = lastAsk(h);
    h.client({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } });
    await h.toClient.waitFor((m) => m.method === 'notifications/cancelled');
    h.client(accept(ask.id, 'approve_once'));
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init']);
    expect(h.toServer.flat.some((m) => m.method === 'notifications/cancelled')).toBe(false);
  });

  it('times out: denied, and the client is told to close the form', async () => {
    const h = await start([], 50);
    h.client(call(1, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor((m) => m.id === 1);
    expect(h.toClient.flat.some((m) => m.method === 'notifications/cancelled')).toBe(true);
    expect(h.approvals.map((a) => a.answer)).toEqual(['timeout']);
    expect(h.toServer.ids()).toEqual(['init']);
  });

  it('fails closed when the call cannot be judged again after approval: never forwarded, the client told', async () => {
    const engine = await approvalPolicy();
    let broken = false;
    const policy = Object.create(engine) as typeof engine;
    policy.evaluate = (input) => {
      if (broken) throw new Error('the policy engine broke');
      return engine.evaluate(input);
    };
    const h = await startHarness([], '2025-06-18', {
      policy,
      capabilities: { elicitation: {} },
    });
    h.client(call(1, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    broken = true;
    h.client(accept(lastAsk(h).id, 'approve_once'));
    await h.toClient.waitFor((m) => m.id === 1);
    expect(h.toClient.flat.find((m) => m.id === 1)).toMatchObject({
      error: { message: expect.stringContaining('not forwarded') as string },
    });
    expect(h.toServer.ids()).toEqual(['init']);
    expect(h.faults.map((f) => f.fault)).toContain('internal_error');
  });

  it('puts approvals in the policy input: approve for the session lets later calls through unasked', async () => {
    const h = await start();
    h.client(call(1, 'deploy', { env: 'prod' }));
    await h.toClient.waitFor(isAsk);
    h.client(accept(lastAsk(h).id, 'approve_session'));
    await h.toServer.waitFor((m) => m.id === 1);
    h.client(call(2, 'deploy', { env: 'staging' }));
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toClient.flat.filter(isAsk)).toHaveLength(1);
  });
});
