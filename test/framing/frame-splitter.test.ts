import { describe, expect, it } from 'vitest';
import { FrameSplitter, type Frame } from '../../src/framing/frame-splitter.js';

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
});
