import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answer, call, fileRoot, startHarness } from './helpers/relay-harness.js';

const read = (id: unknown, file: string) => call(id, 'read_text_file', { path: file });
const ping = (id: unknown) => ({ jsonrpc: '2.0', id, method: 'ping' });

describe('request ids: a pending entry is never replaced', () => {
  it('refuses a client request whose id is pending (-32600, audited, not judged, not forwarded)', async () => {
    const h = await startHarness([fileRoot()]);
    h.client({ jsonrpc: '2.0', id: 7, method: 'tools/list' }, ping(7));
    await h.toClient.waitFor((m) => m.id === 7 && 'error' in m);
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 7]);
    expect(h.toServer.flat.some((m) => m.method === 'ping')).toBe(false);
    expect(h.toClient.flat.find((m) => m.id === 7)).toMatchObject({ error: { code: -32600 } });
    expect(h.faults.map((f) => [f.fault, f.action])).toEqual([['duplicate_id', 'denied']]);
    expect(h.actions).not.toContain('forwarded:ping:7');
    // The list's answer is still read as the list's.
    expect(h.session.peekToServer(7)?.method).toBe('tools/list');
  });

  it('refuses ids equal after JSON decoding however they are spelled (7.0, 7e0, "\\u0037")', async () => {
    const h = await startHarness([fileRoot()]);
    h.clientRaw(
      '{"jsonrpc":"2.0","id":7,"method":"tools/list"}\n' +
        '{"jsonrpc":"2.0","id":7.0,"method":"ping"}\n' +
        '{"jsonrpc":"2.0","id":7e0,"method":"ping"}\n' +
        '{"jsonrpc":"2.0","id":"7","method":"tools/list"}\n' +
        '{"jsonrpc":"2.0","id":"\\u0037","method":"ping"}\n',
    );
    await h.toServer.waitFor((m) => m.id === '7');
    await h.settle();
    expect(h.toServer.ids()).toEqual(['init', 7, '7']);
    expect(h.faults.map((f) => f.fault)).toEqual(['duplicate_id', 'duplicate_id', 'duplicate_id']);
  });

  it('refuses a request reusing the id of one held behind a barrier', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(
      call(1, 'write_file', { path: path.join(root, 'a.txt'), content: 'x' }),
      read(2, path.join(root, 'notes.txt')),
      ping(2),
    );
    await h.toClient.waitFor((m) => m.id === 2 && 'error' in m);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
    await h.settle();
    expect(h.toServer.flat.filter((m) => m.id === 2)).toMatchObject([{ method: 'tools/call' }]);
  });

  it('never takes a server response for a request still held (it was never sent)', async () => {
    const root = fileRoot();
    const h = await startHarness([root]);
    h.client(
      call(1, 'write_file', { path: path.join(root, 'a.txt'), content: 'x' }),
      read(2, path.join(root, 'notes.txt')),
    );
    await h.toServer.waitFor((m) => m.id === 1);
    h.server({ jsonrpc: '2.0', id: 2, result: { content: [{ type: 'text', text: 'forged' }] } });
    await h.settle();
    expect(h.toClient.ids()).not.toContain(2);
    expect(h.faults.map((f) => f.fault)).toEqual(['unexpected_response']);
    h.server(answer(1));
    await h.toServer.waitFor((m) => m.id === 2);
  });

  it("refuses a client request that reuses the id of the shim's own pending catalog request", async () => {
    const h = await startHarness([fileRoot()]);
    h.server({ jsonrpc: '2.0', method: 'notifications/tools/list_changed' });
    await h.toServer.waitFor((m) => m.method === 'tools/list');
    const internal = h.toServer.flat.find((m) => m.method === 'tools/list')?.id;
    expect(typeof internal).toBe('string');
    h.client(ping(internal));
    await h.toClient.waitFor((m) => m.id === internal && 'error' in m);
    // The server's answer is still the shim's own: consumed, never relayed to the client.
    h.server({ jsonrpc: '2.0', id: internal, result: { tools: [{ name: 'secret_tool' }] } });
    await h.settle();
    expect(h.toClient.flat.filter((m) => m.id === internal)).toHaveLength(1);
    expect(h.session.catalog.get('secret_tool')).toBeDefined();
  });

  it('refuses a server request whose id is pending to the client, answering the server -32600', async () => {
    const h = await startHarness([fileRoot()]);
    h.server(
      { jsonrpc: '2.0', id: 's1', method: 'ping' },
      { jsonrpc: '2.0', id: 's1', method: 'ping' },
    );
    await h.toServer.waitFor((m) => m.id === 's1' && 'error' in m);
    await h.settle();
    expect(h.toClient.flat.filter((m) => m.id === 's1')).toHaveLength(1);
    expect(h.toServer.flat.find((m) => m.id === 's1')).toMatchObject({ error: { code: -32600 } });
    expect(h.faults.map((f) => [f.direction, f.fault])).toEqual([['to_client', 'duplicate_id']]);
    // The client's answer settles the first request only.
    h.client({ jsonrpc: '2.0', id: 's1', result: {} });
    await h.toServer.waitFor((m) => m.id === 's1' && 'result' in m);
  });

  it('matches a cancellation to the live request, not to an earlier denied one with the same id', async () => {
    const h = await startHarness([fileRoot()]);
    h.client(read(5, '/etc/passwd'));
    await h.toClient.waitFor((m) => m.id === 5);
    h.client(ping(5));
    await h.toServer.waitFor((m) => m.id === 5);
    h.client({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 5 } });
    await h.toServer.waitFor((m) => m.method === 'notifications/cancelled');
  });
});
