import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeServer, routes } from './helpers/launch.js';
import { everythingServer, repoRoot } from './helpers/paths.js';
import { initializeRequest, RawPeer } from './helpers/raw-shim.js';

describe('Ids through the shim: the client is answered for its own live requests only', () => {
  it('a request the client cancelled is never answered, not even when the server then exits', async () => {
    const lines = [
      JSON.stringify(initializeRequest(1)),
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'trigger-long-running-operation',
          arguments: { duration: 2, steps: 4 },
          _meta: { progressToken: 'slow' },
        },
      }),
    ];
    const [direct, shim] = await Promise.all(
      routes.map(async (route) => {
        const peer = new RawPeer(route, nodeServer(everythingServer, 'stdio'));
        for (const line of lines) peer.sendLine(line);
        await peer.response(1);
        await peer.waitFor('the first progress', (m) =>
          JSON.stringify(m).includes('"progressToken":"slow"'),
        );
        peer.send({
          jsonrpc: '2.0',
          method: 'notifications/cancelled',
          params: { requestId: 2, reason: 'e2e' },
        });
        peer.send({ jsonrpc: '2.0', id: 3, method: 'ping' });
        await peer.response(3);
        // The client goes away while the server still works on the cancelled request.
        await peer.end();
        return peer.stdoutLines().filter((line) => /"id":2[,}]/.test(line));
      }),
    );
    expect(direct).toEqual([]);
    expect(shim).toEqual(direct);
  });

  it('the client only ever receives responses to ids it sent, even when the server dies', async () => {
    const server = nodeServer(join(repoRoot, 'test/e2e/helpers/list-changed-then-exit-server.mjs'));
    const [direct, shim] = await Promise.all(
      routes.map(async (route) => {
        const peer = new RawPeer(route, server);
        peer.send(initializeRequest(1));
        await peer.response(1);
        peer.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
        await peer.waitFor('list_changed', (m) => JSON.stringify(m).includes('list_changed'));
        // The server exits by itself; stdin stays open, as a client's would.
        await peer.exit();
        return peer.messages
          .filter((m) => typeof m === 'object' && m !== null && 'id' in m && !('method' in m))
          .map((m) => (m as { id: unknown }).id);
      }),
    );
    expect(direct).toEqual([1]);
    expect(shim).toEqual(direct);
  });
});
