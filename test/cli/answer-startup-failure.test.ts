import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { answerStartupFailure, clientMessage } from '../../src/cli/answer-startup-failure.js';

const CAUSE = 'Expected `--log-level` to be one of `info`, got `loud`.';

/** A client on the other end of the pipes: what it wrote, and every line the shim answered. */
function pipes() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines: unknown[] = [];
  let text = '';
  stdout.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n')) {
      lines.push(JSON.parse(text.slice(0, nl)));
      text = text.slice(nl + 1);
    }
  });
  const send = (message: unknown) => stdin.write(`${JSON.stringify(message)}\n`);
  return { stdin, stdout, lines, send, rest: () => text };
}

const initialize = (id: number | string) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 't', version: '1' },
  },
});

const errorFor = (id: number | string, exitCode = 2) => ({
  jsonrpc: '2.0',
  id,
  error: { code: -32603, message: `mcp-opa-shim could not start (exit ${exitCode}): ${CAUSE}` },
});

describe('answerStartupFailure', () => {
  it('answers initialize with the cause and returns when the client closes stdin', async () => {
    const io = pipes();
    const done = answerStartupFailure(CAUSE, 2, io, { firstRequestMs: 10_000, lingerMs: 10_000 });
    io.send(initialize(1));
    setTimeout(() => io.stdin.end(), 50);
    const started = Date.now();
    expect(await done).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(io.lines).toEqual([errorFor(1)]);
  });

  it('answers a dual-era client twice: server/discover, then its initialize fallback', async () => {
    const io = pipes();
    const done = answerStartupFailure(CAUSE, 78, io, { firstRequestMs: 5_000, lingerMs: 300 });
    io.send({ jsonrpc: '2.0', id: 'd', method: 'server/discover', params: {} });
    // The fallback comes after the client has read the first answer.
    await new Promise((resolve) => setTimeout(resolve, 100));
    io.send(initialize('i'));
    expect(await done).toBe(2);
    expect(io.lines).toEqual([errorFor('d', 78), errorFor('i', 78)]);
  });

  it('answers any request, not notifications or responses, and a batch with a batch', async () => {
    const io = pipes();
    const done = answerStartupFailure(CAUSE, 2, io, { firstRequestMs: 5_000, lingerMs: 200 });
    io.stdin.write('not json\n');
    io.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    io.send({ jsonrpc: '2.0', id: 9, result: {} });
    io.send([initialize(1), { jsonrpc: '2.0', method: 'notifications/x' }, initialize(2)]);
    io.send({ jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect(await done).toBe(3);
    expect(io.lines).toEqual([[errorFor(1), errorFor(2)], errorFor(3)]);
  });

  it('stops waiting after the bound when the client never writes', async () => {
    const io = pipes();
    const started = Date.now();
    expect(await answerStartupFailure(CAUSE, 2, io, { firstRequestMs: 200 })).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(io.lines).toEqual([]);
  });

  it('returns at once when stdin is closed before any request', async () => {
    const io = pipes();
    io.stdin.end();
    const started = Date.now();
    expect(await answerStartupFailure(CAUSE, 2, io, { firstRequestMs: 10_000 })).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not wait for a person at a terminal (stdin is a TTY)', async () => {
    const io = pipes();
    const stdin = Object.assign(io.stdin, { isTTY: true });
    io.send(initialize(1));
    const started = Date.now();
    expect(await answerStartupFailure(CAUSE, 2, { stdin, stdout: io.stdout })).toBe(0);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(io.lines).toEqual([]);
  });

  it('ends quietly when the client has closed its end of stdout (EPIPE)', async () => {
    const io = pipes();
    const stdout = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const done = answerStartupFailure(CAUSE, 2, { stdin: io.stdin, stdout }, { lingerMs: 100 });
    io.send(initialize(1));
    io.send(initialize(2));
    expect(await done).toBe(2);
    // The error event came after the callbacks and found a listener: nothing was thrown.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(stdout.listenerCount('error')).toBe(1);
  });

  it('reads a request split across chunks, after an oversized line it cannot answer', async () => {
    const io = pipes();
    const done = answerStartupFailure(CAUSE, 2, io, { firstRequestMs: 5_000, lingerMs: 200 });
    // More than the 1 MiB it holds before a newline: dropped, up to the end of that line.
    io.stdin.write(`{"jsonrpc":"2.0","id":7,"method":"x","params":{"a":"${'y'.repeat(2 ** 21)}`);
    io.stdin.write('"}}\n');
    const text = JSON.stringify(initialize(8));
    io.stdin.write(text.slice(0, 10));
    io.stdin.write(`${text.slice(10)}\n`);
    expect(await done).toBe(1);
    expect(io.lines).toEqual([errorFor(8)]);
  });
});

describe('clientMessage', () => {
  it('makes a multi-line cause one line and keeps the exit code', () => {
    expect(clientMessage('policy.rego:3: rego_parse_error\n  x := \n\nsecond error\n', 78)).toBe(
      'mcp-opa-shim could not start (exit 78): policy.rego:3: rego_parse_error | x := | second error',
    );
  });

  it('cuts a very long cause', () => {
    const message = clientMessage('x'.repeat(5_000), 78);
    expect(message.length).toBe(1_000);
    expect(message.endsWith('…')).toBe(true);
  });
});
