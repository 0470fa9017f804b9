import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { nodeServer } from './helpers/launch.js';
import { everythingServer, noisyServer } from './helpers/paths.js';
import { impureLines } from './helpers/protocol-lines.js';
import { initializeRequest, RawShim } from './helpers/raw-shim.js';

describe('Stdout purity: the shim writes nothing but complete JSON-RPC lines to stdout', () => {
  it('carries only protocol messages across a busy server-everything session with debug logging on', async () => {
    const shim = new RawShim(nodeServer(everythingServer, 'stdio'), {
      extraArgs: ['--log-level', 'debug'],
    });
    try {
      shim.send(initializeRequest(1));
      await shim.response(1);
      shim.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      shim.send({ jsonrpc: '2.0', id: 2, method: 'logging/setLevel', params: { level: 'debug' } });
      shim.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
      shim.send({
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: 'get-tiny-image', arguments: {} },
      });
      shim.send({
        jsonrpc: '2.0',
        id: 5,
        method: 'resources/subscribe',
        params: { uri: 'demo://resource/static/document/features.md' },
      });
      shim.send({
        jsonrpc: '2.0',
        id: 6,
        method: 'tools/call',
        params: {
          name: 'trigger-long-running-operation',
          arguments: { duration: 0.2, steps: 2 },
          _meta: { progressToken: 'p-6' },
        },
      });
      shim.send({
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'echo', arguments: { message: 'multi-byte: ✓ ü 😀' } },
      });
      shim.sendLine('{"jsonrpc":"2.0","id":8,"method":'); // malformed: the shim must answer -32700 on stdout
      for (const id of [2, 3, 4, 5, 6, 7]) await shim.response(id);
      await shim.waitFor(
        'a parse error answer',
        (m) => (m as { error?: { code?: unknown } }).error?.code === -32700,
      );
      await shim.waitFor(
        'a progress notification',
        (m) => (m as { method?: unknown }).method === 'notifications/progress',
      );
    } finally {
      await shim.end();
    }
    expect(shim.stdoutChunks.length).toBeGreaterThan(0);
    expect(impureLines(shim.stdoutText())).toEqual([]);
  });

  it('drops a server that prints junk on stdout: the client sees only the protocol lines', async () => {
    // A moved fixture must fail this test, not skip it.
    expect(existsSync(noisyServer), `fixture missing: ${noisyServer}`).toBe(true);
    const shim = new RawShim(nodeServer(noisyServer));
    try {
      shim.send(initializeRequest(1));
      await shim.response(1);
      shim.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      shim.send({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo', arguments: { text: 'clean' } },
      });
      expect(await shim.response(2)).toMatchObject({
        result: { content: [{ type: 'text', text: 'clean' }] },
      });
    } finally {
      await shim.end();
    }
    const stdout = shim.stdoutText();
    expect(stdout).not.toContain('this is not JSON');
    expect(impureLines(stdout)).toEqual([]);
    // The child's stderr still reaches ours.
    expect(shim.stderr).toContain('noisy-stdout-server read:');
  });
});
