import { describe, expect, it } from 'vitest';
import { FrameSplitter, type Frame, type RawFrame } from '../../src/framing/frame-splitter.js';

describe('FrameSplitter', () => {
  it('never holds more than the limit (plus one byte) while skipping an oversize frame', () => {
    const maxFrameBytes = 256 * 1024;
    const splitter = new FrameSplitter({ maxFrameBytes });
    const frames: Frame[] = [];
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let peak = 0;
    splitter.push(Buffer.from('{"id":"big","x":"'), frames);
    for (let i = 0; i < 160; i++) {
      splitter.push(chunk, frames);
      peak = Math.max(peak, splitter.bufferedBytes);
    }
    splitter.push(Buffer.from('"}\n{"id":"next"}\n'), frames);
    expect(peak).toBeLessThanOrEqual(maxFrameBytes + 1);
    expect(splitter.bufferedBytes).toBe(0);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatchObject({ kind: 'oversize', bytes: 17 + 160 * 64 * 1024 + 2 });
    expect(frames[1]).toEqual({ kind: 'line', text: '{"id":"next"}' });
  });

  it('keeps the head of an oversize frame to about 256 bytes without cutting a character', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 300 });
    const frames: Frame[] = [];
    const text = '{"id":7,"x":"' + '€'.repeat(1000) + '"}';
    splitter.push(Buffer.from(text + '\n'), frames);
    const [frame] = frames;
    if (frame?.kind !== 'oversize')
      throw new Error(`expected an oversize frame, got ${frame?.kind}`);
    expect(text.startsWith(frame.head)).toBe(true);
    expect(Buffer.byteLength(frame.head)).toBeGreaterThan(250);
    expect(Buffer.byteLength(frame.head)).toBeLessThanOrEqual(256);
    expect(frame.bytes).toBe(Buffer.byteLength(text));
  });

  it('keeps the last 256 bytes of an oversize frame, where SDK programs write the id', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 1024 });
    const frames: Frame[] = [];
    splitter.push(Buffer.from('{"method":"tools/call","params":{"text":"'), frames);
    for (let i = 0; i < 50; i++) splitter.push(Buffer.alloc(1000, 'q'), frames);
    splitter.push(Buffer.from('"},"jsonrpc":"2.0",'), frames);
    splitter.push(Buffer.from('"id":41}\r\n{"id":"next"}\n'), frames);
    const [frame, next] = frames;
    if (frame?.kind !== 'oversize')
      throw new Error(`expected an oversize frame, got ${frame?.kind}`);
    // 256 bytes read, less the "\r" of the CRLF, which is not content.
    const end = '"},"jsonrpc":"2.0","id":41}';
    expect(frame.tail).toBe('q'.repeat(256 - 1 - end.length) + end);
    expect(frame.head).toMatch(/^\{"method":"tools\/call"/);
    expect(next).toEqual({ kind: 'line', text: '{"id":"next"}' });
  });

  it('holds an incomplete frame under the limit until its newline arrives', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 64 });
    const frames: Frame[] = [];
    splitter.push(Buffer.from('{"id":'), frames);
    expect(frames).toEqual([]);
    expect(splitter.bufferedBytes).toBe(6);
    splitter.push(Buffer.from('1}\n'), frames);
    expect(frames).toEqual([{ kind: 'line', text: '{"id":1}' }]);
  });

  it('rejects a limit that is not a positive integer when it is built', () => {
    expect(() => new FrameSplitter({ maxFrameBytes: -1 })).toThrow(
      'Expected `maxFrameBytes` to be a positive integer, got `-1`.',
    );
  });

  it('gives a frame within one chunk as a view of that chunk, its newline right after it', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 64 });
    const frames: RawFrame[] = [];
    const chunk = Buffer.from('{"a":1}\n{"b":2}\r\n{"c"');
    splitter.pushBytes(chunk, frames);
    expect(frames).toEqual([
      { kind: 'bytes', source: chunk, start: 0, end: 7, newlineFollows: true },
      { kind: 'bytes', source: chunk, start: 8, end: 15, newlineFollows: false },
    ]);
  });

  it('joins a frame that spans chunks into a buffer of its own ending in a newline, CRLF or not', () => {
    const splitter = new FrameSplitter({ maxFrameBytes: 64 });
    const frames: RawFrame[] = [];
    for (const part of ['{"a"', ':1}\r', '\n{"b"', ':2}', '\n{"c":', '3}'])
      splitter.pushBytes(Buffer.from(part), frames);
    splitter.endBytes(frames);
    const written = frames.map((frame) =>
      frame.kind === 'bytes' && frame.newlineFollows
        ? frame.source.toString('utf8', frame.start, frame.end + 1)
        : '?',
    );
    expect(written).toEqual(['{"a":1}\n', '{"b":2}\n', '{"c":3}\n']);
  });
});
