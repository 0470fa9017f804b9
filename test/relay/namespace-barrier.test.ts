import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answer, call, fileRoot, startHarness } from './helpers/relay-harness.js';

const read = (id: unknown, file: string) => call(id, 'read_text_file', { path: file });
const write = (id: unknown, file: string) =>
  call(id, 'write_file', { path: file, content: 'new content' });
const cancel = (requestId: unknown) => ({
  jsonrpc: '2.0',
  method: 'notifications/cancelled',
  params: { requestId, reason: 'test' },
});

describe('namespace barrier in the client → server pipeline', () => {
  it('forwards pipelined reads side by side, none waiting for another', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(read(1, path.join(root, 'notes.txt')), read(2, path.join(root, 'sub')));
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toServer.ids()).toEqual(['init', 1, 2]);
  });

  it('holds a read behind an earlier write until the write is answered, then judges and forwards it', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')), read(2, path.join(root, 'notes.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    // Not judged yet either: the audit has no decision for it.
    expect(h.actions.filter((a) => a.endsWith(':2'))).toEqual([]);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toServer.ids()).toEqual(['init', 1, 2]);
    expect(h.actions.filter((a) => a.endsWith(':2'))).toEqual(['forwarded:tools/call:2']);
  });

  it('holds a write until earlier path-bearing reads are answered (the reverse order of the race)', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(read(1, path.join(root, 'notes.txt')), write(2, path.join(root, 'b.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
  });

  it('keeps the order of requests: a request without paths waits behind a held one', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')), read(2, path.join(root, 'notes.txt')), {
      jsonrpc: '2.0',
      id: 3,
      method: 'ping',
    });
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 3);
    expect(h.toServer.ids()).toEqual(['init', 1, 2, 3]);
  });

  it("never holds the client's answer to a server request behind a held request", async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')), read(2, path.join(root, 'notes.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    // The server needs an answer from the client before it can finish the write.
    h.server({ jsonrpc: '2.0', id: 's1', method: 'ping' });
    await h.toClient.waitFor((m) => m.id === 's1');
    h.client({ jsonrpc: '2.0', id: 's1', result: {} });
    await h.toServer.waitFor((m) => m.id === 's1');
    expect(h.toServer.ids()).toEqual(['init', 1, 's1']);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
  });

  it('drops a held request the client cancels: never forwarded, never answered, audited', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')), read(2, path.join(root, 'notes.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    h.client(cancel(2));
    await h.settle();
    h.server(answer(1));
    h.client({ jsonrpc: '2.0', id: 3, method: 'ping' });
    await h.toServer.waitFor((m) => m.id === 3);
    expect(h.toServer.ids()).toEqual(['init', 1, 3]);
    expect(h.toClient.ids()).not.toContain(2);
    expect(h.faults.map((f) => [f.fault, f.action])).toEqual([['cancelled_while_held', 'dropped']]);
    expect(h.actions.filter((a) => a.endsWith(':2'))).toEqual([]);
  });

  it('keeps the cancellation of a forwarded write from the server, so its answer still ends the barrier', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')), read(2, path.join(root, 'notes.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    h.client(cancel(1));
    await h.settle();
    expect(h.toServer.flat.some((m) => m.method === 'notifications/cancelled')).toBe(false);
    expect(h.faults.map((f) => f.fault)).toEqual(['cancellation_withheld']);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
  });

  it('answers every held request with an error, and forwards none, when the server dies', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(
      write(1, path.join(root, 'a.txt')),
      read(2, path.join(root, 'notes.txt')),
      write(3, path.join(root, 'c.txt')),
    );
    await h.toServer.waitFor((m) => m.id === 1);
    await h.relay.failPending('The server exited.');
    await h.toClient.waitFor((m) => m.id === 3);
    const errors = h.toClient.flat.filter((m) => 'error' in m).map((m) => m.id);
    expect(errors).toEqual([1, 2, 3]);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
  });

  it('holds the elements of a 2025-03-26 batch that follow a barrier in the same batch', async () => {
    const root = fileRoot();
    const h = await startHarness([root], '2025-03-26');
    h.client([
      write(1, path.join(root, 'a.txt')),
      read(2, path.join(root, 'notes.txt')),
      { jsonrpc: '2.0', id: 3, method: 'ping' },
    ]);
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    h.server([answer(1)]);
    await h.toServer.waitFor((m) => m.id === 3);
    expect(h.toServer.ids()).toEqual(['init', 1, 2, 3]);
  });

  it('holds a modern input_required retry of a write behind an earlier barrier, like any request', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    const retry = write(2, path.join(root, 'b.txt'));
    (retry.params as Record<string, unknown>).inputResponses = { k1: { action: 'accept' } };
    h.client(write(1, path.join(root, 'a.txt')), retry);
    await h.toServer.waitFor((m) => m.id === 1);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    expect(h.toClient.ids()).not.toContain(2);
    h.server(answer(1));
    // Judged only once released: with no input_required round for `k1` it is refused then
    // (finding 7), so the client gets the answer and the server never sees it.
    await h.toClient.waitFor((m) => m.id === 2);
    expect(h.toServer.ids()).toEqual(['init', 1]);
  });

  it('stops reading the client once the lane is full, and reads on when it drains', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(write(1, path.join(root, 'a.txt')));
    await h.toServer.waitFor((m) => m.id === 1);
    const { MAX_HELD_MESSAGES } = await import('../../src/relay/client-lane.js');
    const count = MAX_HELD_MESSAGES + 50;
    const reads = Array.from({ length: count }, (_, k) =>
      read(100 + k, path.join(root, 'notes.txt')),
    );
    h.client(...reads);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 1]);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 100 + count - 1);
    expect(h.toServer.ids().slice(2)).toEqual(reads.map((r) => r.id));
  });

  it('refuses a task-augmented call with paths: its answer would not say when it is done with the tree', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    const task = write(1, path.join(root, 'a.txt'));
    (task.params as Record<string, unknown>).task = { ttl: 60000 };
    h.client(task, {
      ...call(2, 'echo', { text: 'no paths' }),
      params: { name: 'echo', arguments: { text: 'x' }, task: { ttl: 1 } },
    });
    await h.toClient.waitFor((m) => m.id === 1);
    await h.toServer.waitFor((m) => m.id === 2);
    expect(h.toClient.flat.find((m) => m.id === 1)).toMatchObject({ error: { code: -32602 } });
    expect(h.toServer.ids()).toEqual(['init', 2]);
    expect(h.faults.map((f) => [f.fault, f.action])).toEqual([['task_on_paths', 'denied']]);
    expect(h.actions.filter((a) => a.endsWith(':1'))).toEqual([]);
  });
});
