import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FrameWriter } from '../../src/framing/frame-writer.js';
import { readFrames, type Frame } from '../helpers/read-frames.js';
import type { ServerProcess } from '../../src/child/start-server.js';
import { startFixture, talkTo } from './fixture-session.js';

// The fixture servers every suite relies on behave as their headers document.
const started: ServerProcess[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.kill('SIGKILL');
});
async function start(name: string, options: Parameters<typeof startFixture>[1] = {}) {
  const server = await startFixture(name, options);
  started.push(server);
  return server;
}

const call = (id: number, text: string) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'tools/call',
    params: { name: 'echo', arguments: { text } },
  });

describe('fixture servers', () => {
  it('echo-server lists its echo tool and echoes text', async () => {
    const session = talkTo(await start('echo-server.mjs'));
    expect(await session.request('tools/list')).toMatchObject({
      result: { tools: [{ name: 'echo' }] },
    });
    expect(
      await session.request('tools/call', { name: 'echo', arguments: { text: 'héllo' } }),
    ).toMatchObject({
      result: { content: [{ type: 'text', text: 'héllo' }] },
    });
  });

  it('echo-server answers server/discover only with --modern', async () => {
    const legacy = talkTo(await start('echo-server.mjs'));
    expect(await legacy.request('server/discover')).toMatchObject({ error: { code: -32601 } });
    const modern = talkTo(await start('echo-server.mjs', { args: ['--modern'] }));
    expect(await modern.request('server/discover')).toMatchObject({
      result: { supportedVersions: ['2026-07-28'] },
    });
  });

  it('echo-server answers a batch with an array of replies', async () => {
    const server = await start('echo-server.mjs');
    server.stdin.write(
      `[${call(1, 'a')},{"jsonrpc":"2.0","method":"notifications/x"},${call(2, 'b')}]\n`,
    );
    const first = await readFrames(server.stdout, { maxFrameBytes: 4096 }).next();
    const replies = JSON.parse(first.value?.kind === 'line' ? first.value.text : '[]') as {
      id: number;
    }[];
    expect(replies.map((reply) => reply.id)).toEqual([1, 2]);
  });

  it('recording-server writes every line it reads to RECORD_FILE', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mcp-opa-shim-fixture-')), 'record.jsonl');
    const session = talkTo(await start('recording-server.mjs', { env: { RECORD_FILE: file } }));
    await session.request('tools/call', { name: 'echo', arguments: { text: 'seen' } });
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines.map((line) => (JSON.parse(line) as { method: string }).method)).toEqual([
      'tools/call',
    ]);
  });

  it('noisy-stdout-server mixes junk lines with its replies', async () => {
    const server = await start('noisy-stdout-server.mjs', { stderr: 'pipe' });
    server.stdin.end('{"jsonrpc":"2.0","id":1,"method":"ping"}\n');
    const texts: string[] = [];
    for await (const frame of readFrames(server.stdout, { maxFrameBytes: 4096 })) {
      if (frame.kind === 'line') texts.push(frame.text);
    }
    expect(texts).toHaveLength(3);
    expect(texts.filter((text) => text.startsWith('{'))).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":{}}',
    ]);
  });

  it('huge-line-server sends a line of HUGE_BYTES that the reader rejects once, then answers normally', async () => {
    const hugeBytes = 1024 * 1024;
    const server = await start('huge-line-server.mjs', { env: { HUGE_BYTES: String(hugeBytes) } });
    const writer = new FrameWriter(server.stdin);
    const frames = readFrames(server.stdout, { maxFrameBytes: 64 * 1024 });
    writer.write(call(7, 'big'));
    const huge = (await frames.next()).value as Frame;
    expect(huge).toMatchObject({ kind: 'oversize', bytes: hugeBytes });
    expect(huge.kind === 'oversize' && huge.head).toMatch(/^\{"jsonrpc":"2\.0","id":7,/);
    writer.write('{"jsonrpc":"2.0","id":8,"method":"ping"}');
    expect((await frames.next()).value).toEqual({
      kind: 'line',
      text: '{"jsonrpc":"2.0","id":8,"result":{}}',
    });
  });

  it('crash-mid-request-server exits with code 3 on tools/call without answering', async () => {
    const server = await start('crash-mid-request-server.mjs');
    const session = talkTo(server);
    await session.request('ping');
    await expect(session.request('tools/call', { name: 'echo', arguments: {} })).rejects.toThrow(
      'no reply to tools/call',
    );
    expect(await server.exited).toEqual({ code: 3, signal: null });
  });
});
