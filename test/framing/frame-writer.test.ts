import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DestinationClosedError, FrameWriter } from '../../src/framing/frame-writer.js';

/** A destination with a tiny buffer that accepts one chunk per event-loop turn. */
function slowSink(): { sink: Writable; received: Buffer[]; peak: () => number } {
  const received: Buffer[] = [];
  let peak = 0;
  const sink = new Writable({
    highWaterMark: 64,
    write(chunk: Buffer, _encoding, callback) {
      peak = Math.max(peak, sink.writableLength);
      received.push(chunk);
      setImmediate(callback);
    },
  });
  return { sink, received, peak: () => peak };
}

const bigFrame = JSON.stringify({ jsonrpc: '2.0', method: 'x', params: 'p'.repeat(64 * 1024) });

describe('FrameWriter', () => {
  it('writes each frame with a newline and asks to wait only when the destination is full', async () => {
    const { sink, received, peak } = slowSink();
    const writer = new FrameWriter(sink);
    const frames = Array.from({ length: 500 }, (_, i) =>
      JSON.stringify({ id: i, text: 'é'.repeat(i % 7) }),
    );
    let waits = 0;
    for (const frame of frames) {
      if (!writer.write(frame)) {
        waits += 1;
        await writer.drain();
      }
    }
    await writer.end();
    expect(Buffer.concat(received).toString('utf8')).toBe(frames.map((f) => f + '\n').join(''));
    expect(waits).toBeGreaterThan(0);
    // Waiting on drain keeps the queue at about one frame over the high-water mark.
    expect(peak()).toBeLessThan(64 + 64);
  });

  it('resolves drain at once when the destination has room', async () => {
    const writer = new FrameWriter(slowSink().sink);
    await expect(writer.drain()).resolves.toBeUndefined();
  });

  it('reports EPIPE from a child that closed its stdin, without throwing', async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        'require("node:fs").closeSync(0); process.stdout.write("closed\\n"); setTimeout(() => {}, 10000)',
      ],
      { stdio: ['pipe', 'pipe', 'ignore'] },
    );
    try {
      await once(child.stdout, 'data');
      const writer = new FrameWriter(child.stdin);
      while (writer.write(bigFrame)) {
        /* write until the writer refuses */
      }
      await expect(writer.drain()).rejects.toBeInstanceOf(DestinationClosedError);
      expect(await writer.closed).toMatchObject({ code: 'EPIPE' });
      expect(writer.write('{"jsonrpc":"2.0","method":"late"}')).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses frames for a child that has exited, without throwing', async () => {
    const child = spawn(process.execPath, ['-e', 'process.exit(0)'], {
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    await once(child, 'exit');
    const writer = new FrameWriter(child.stdin);
    while (writer.write(bigFrame)) {
      /* write until the writer refuses */
    }
    await expect(writer.drain()).rejects.toBeInstanceOf(DestinationClosedError);
    await writer.closed;
    expect(writer.isClosed).toBe(true);
  });

  it('refuses a frame with an embedded newline, which would split it in two', () => {
    const { sink, received } = slowSink();
    const writer = new FrameWriter(sink);
    expect(() => writer.write('{"a":1}\n{"b":2}')).toThrow('A frame must not contain a newline');
    expect(writer.write('{"a":"\\n is escaped"}')).toBe(true);
    expect(received.map(String)).toEqual(['{"a":"\\n is escaped"}\n']);
  });

  it('refuses frames for a destination that has already ended', async () => {
    const { sink } = slowSink();
    sink.end();
    const writer = new FrameWriter(sink);
    expect(writer.write('{}')).toBe(false);
    await expect(writer.drain()).rejects.toThrow('The destination stream is closed.');
  });

  it('writes frame bytes as they are, and refuses bytes that do not end a frame', async () => {
    const { sink, received } = slowSink();
    const writer = new FrameWriter(sink);
    const frames = Buffer.from('{"a":"é"}\n{"b":2}\n');
    if (!writer.writeBytes(frames)) await writer.drain();
    expect(() => writer.writeBytes(Buffer.from('{"c":3}'))).toThrow(
      'Frame bytes must end with a newline.',
    );
    await writer.end();
    expect(Buffer.concat(received)).toEqual(frames);
  });
});

describe('FrameWriter.cork', () => {
  it('holds frames until uncork and then hands them over in one write', async () => {
    const batches: number[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        batches.push(1);
        callback();
      },
      writev(chunks, callback) {
        batches.push(chunks.length);
        callback();
      },
    });
    const writer = new FrameWriter(sink);
    writer.cork();
    writer.write('{"a":1}');
    writer.write('{"a":2}');
    writer.writeBytes(Buffer.from('{"a":3}\n'));
    expect(batches).toEqual([]);
    writer.uncork();
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([3]);
  });

  it('releases the cork when the caller waits for room, so a full destination still drains', async () => {
    const received: string[] = [];
    const sink = new Writable({
      highWaterMark: 8,
      write(chunk: Buffer, _encoding, callback) {
        received.push(chunk.toString());
        setImmediate(callback);
      },
    });
    const writer = new FrameWriter(sink);
    writer.cork();
    expect(writer.write('{"long":"enough to pass the mark"}')).toBe(false);
    await writer.drain();
    expect(received.join('')).toBe('{"long":"enough to pass the mark"}\n');
  });
});

describe('FrameWriter gate (write-ahead)', () => {
  /** A destination that notes, for every chunk it receives, how often the gate had run by then. */
  function gatedSink() {
    const log: string[] = [];
    let gateRuns = 0;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        log.push(`${String(gateRuns)}:${chunk.toString()}`);
        callback();
      },
    });
    return { sink, log, gate: () => (gateRuns += 1) };
  }

  it('passes the gate before each frame written uncorked, and once before a corked batch leaves', () => {
    const { sink, log, gate } = gatedSink();
    const writer = new FrameWriter(sink, gate);
    writer.write('{"a":1}');
    writer.cork();
    writer.write('{"a":2}');
    writer.write('{"a":3}');
    expect(log).toEqual(['1:{"a":1}\n']);
    writer.uncork();
    expect(log).toEqual(['1:{"a":1}\n', '2:{"a":2}\n{"a":3}\n']);
  });

  it('sends nothing when the gate throws: the frame is refused and the held frames can be discarded', () => {
    const { sink, log } = gatedSink();
    const writer = new FrameWriter(sink, () => {
      throw new Error('audit log full');
    });
    expect(() => writer.write('{"a":1}')).toThrow('audit log full');
    writer.cork();
    writer.write('{"a":2}');
    writer.writeBytes(Buffer.from('{"a":3}\n'));
    expect(() => {
      writer.uncork();
    }).toThrow('audit log full');
    expect(writer.discardHeld().map(String)).toEqual(['{"a":2}\n', '{"a":3}\n']);
    expect(log).toEqual([]);
  });

  it('rejects drain with the gate error instead of sending what was held', async () => {
    const { sink, log } = gatedSink();
    const writer = new FrameWriter(sink, () => {
      throw new Error('audit log full');
    });
    writer.cork();
    writer.write('{"a":1}');
    await expect(writer.drain()).rejects.toThrow('audit log full');
    expect(log).toEqual([]);
  });
});
