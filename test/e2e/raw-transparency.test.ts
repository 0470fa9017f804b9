import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeServer, routes, type Route } from './helpers/launch.js';
import { normaliseText } from './helpers/normalise.js';
import { everythingServer, repoRoot } from './helpers/paths.js';
import { RawPeer } from './helpers/raw-shim.js';

const recordingServer = join(repoRoot, 'test/fixtures/recording-server.mjs');

/** Sends `lines`, waits for the answers to `ids`, closes stdin; returns the peer for inspection. */
async function exchange(
  route: Route,
  peer: RawPeer,
  lines: string[],
  ids: (number | string)[],
): Promise<RawPeer> {
  for (const line of lines) peer.sendLine(line);
  try {
    for (const id of ids) await peer.response(id);
  } finally {
    await peer.end();
  }
  expect(peer.stdoutLines().length, `${route} answered`).toBeGreaterThan(0);
  return peer;
}

const sorted = (lines: string[]): string[] => [...lines].sort();

describe('Wire transparency: with an allow-all policy the shim changes no byte in either direction', () => {
  it('the server reads exactly the lines the client wrote, and the client reads exactly the lines the server wrote', async () => {
    // Written by hand, not by JSON.stringify: odd spacing, key order, escapes, numbers a JS
    // re-serialisation would change (2^70, -0, 1.50, 1e2), a string id and an unknown method.
    const lines = [
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}',
      '{"method":"notifications/initialized","jsonrpc":"2.0"}',
      '{ "jsonrpc" : "2.0", "id" : 2, "method" : "tools/call", "params" : { "name" : "echo", "arguments" : { "text" : "caf\\u00e9 \\"q\\" ✓ 😀" } } }',
      '{"jsonrpc":"2.0","id":"three","method":"tools/call","params":{"name":"echo","arguments":{"big":1180591620717411303424,"neg":-0,"dec":1.50,"exp":1e2,"nested":[{"a":null}]}}}',
      '{"jsonrpc":"2.0","id":4,"method":"vendor/custom-method","params":{"x":1}}',
      '{"jsonrpc":"2.0","id":5,"method":"ping"}',
    ];
    const dir = mkdtempSync(join(tmpdir(), 'e2e-wire-'));
    const runs = await Promise.all(
      routes.map(async (route) => {
        const record = join(dir, `${route}.jsonl`);
        const peer = new RawPeer(route, nodeServer(recordingServer), {
          env: { RECORD_FILE: record },
        });
        await exchange(route, peer, lines, [1, 2, 'three', 4, 5]);
        return { read: readFileSync(record, 'utf8'), written: sorted(peer.stdoutLines()) };
      }),
    );
    const [direct, shim] = runs;
    expect(direct!.read).toBe(`${lines.join('\n')}\n`);
    // Tool pins (on by default) add the shim's own tools/list before the first call, whose answer
    // the client never sees (docs/pinning.md); every line the client wrote is unchanged.
    const ownListing =
      /^\{"jsonrpc":"2\.0","id":"mcp-opa-shim:catalog:[^"]+","method":"tools\/list","params":\{\}\}$/;
    const shimRead = shim!.read.split('\n');
    expect(shimRead.filter((line) => ownListing.test(line))).toHaveLength(1);
    expect(shimRead.filter((line) => !ownListing.test(line)).join('\n')).toBe(direct!.read);
    expect(shim!.written).toEqual(direct!.written);
  });

  it('every line server-everything writes reaches the client unchanged', async () => {
    const requests: unknown[] = [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 'raw', version: '1' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'prompts/get',
        params: { name: 'resource-prompt', arguments: { resourceType: 'Text', resourceId: '2' } },
      },
      {
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: {
          name: 'get-annotated-message',
          arguments: { messageType: 'debug', includeImage: true },
        },
      },
      {
        jsonrpc: '2.0',
        id: 5,
        method: 'completion/complete',
        params: {
          ref: { type: 'ref/prompt', name: 'completable-prompt' },
          argument: { name: 'department', value: '' },
        },
      },
      {
        jsonrpc: '2.0',
        id: 6,
        method: 'resources/read',
        params: { uri: 'demo://resource/dynamic/text/9' },
      },
      {
        jsonrpc: '2.0',
        id: 7,
        method: 'tools/call',
        params: { name: 'no-such-tool', arguments: {} },
      },
      { jsonrpc: '2.0', id: 8, method: 'no/such-method' },
    ];
    const [direct, shim] = await Promise.all(
      routes.map(async (route) => {
        const peer = new RawPeer(route, nodeServer(everythingServer, 'stdio'));
        await exchange(
          route,
          peer,
          requests.map((r) => JSON.stringify(r)),
          [1, 2, 3, 4, 5, 6, 7, 8],
        );
        // Only the embedded clock time of the dynamic resource may differ between two runs.
        return sorted(peer.stdoutLines().map(normaliseText));
      }),
    );
    expect(direct!.some((line) => line.includes('"id":8,"error"'))).toBe(true);
    expect(shim).toEqual(direct);
  });
});
