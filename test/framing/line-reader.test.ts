import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from '../../src/framing/frame-splitter.js';
import { readFrames, type Frame, type RawFrame } from '../helpers/read-frames.js';
import { pumpFrames } from '../../src/framing/pump-frames.js';
import { randomInt, seededRandom } from './seeded-random.js';

async function collect(chunks: (Buffer | string)[], maxFrameBytes = 1024): Promise<Frame[]> {
  const frames: Frame[] = [];
  for await (const frame of readFrames(Readable.from(chunks), { maxFrameBytes }))
    frames.push(frame);
  return frames;
}

async function pumpAll(source: Readable, maxFrameBytes: number): Promise<RawFrame[][]> {
  const batches: RawFrame[][] = [];
  await pumpFrames(source, { maxFrameBytes }, (frames) => {
    batches.push(frames);
    return undefined;
  });
  return batches;
}

const texts = (frames: Frame[]) => frames.map((f) => (f.kind === 'line' ? f.text : `<${f.kind}>`));

/** The same 1 KiB chunk of frames until `done()`, counting the bytes handed to the stream. */
function endlessSource(done: () => boolean = () => false): {
  source: Readable;
  produced: () => number;
} {
  const chunk = Buffer.from('{"jsonrpc":"2.0","method":"x"}\n'.repeat(32));
  let produced = 0;
  const source = new Readable({
    read() {
      if (done()) {
        this.push(null);
        return;
      }
      produced += chunk.length;
      this.push(chunk);
    },
  });
  return { source, produced: () => produced };
}

// Characters of 1 to 4 UTF-8 bytes, so random cuts land inside multi-byte sequences.
const ALPHABET = ['a', '{', '"', ' ', 'é', 'ß', '日', '本', '😀', '𝄞', '\\', ':'];

describe('readFrames', () => {
  it('yields the same frames whatever the chunk boundaries, multi-byte characters included', async () => {
    const random = seededRandom(0x5eed);
    const maxFrameBytes = 48;
    for (let round = 0; round < 300; round++) {
      const expected: Frame[] = [];
      const parts: string[] = [];
      for (let n = randomInt(random, 12); n >= 0; n--) {
        let text = '';
        for (let len = randomInt(random, 20); len > 0; len--) {
          text += ALPHABET[randomInt(random, ALPHABET.length)] ?? '';
        }
        const crlf = random() < 0.3;
        parts.push(text + (crlf ? '\r\n' : '\n'));
        const content = Buffer.byteLength(text);
        if (content > maxFrameBytes) {
          expected.push({
            kind: 'oversize',
            bytes: content + (crlf ? 1 : 0),
            head: text,
            tail: text,
          });
        } else if (content > 0) {
          expected.push({ kind: 'line', text });
        }
      }
      const bytes = Buffer.from(parts.join(''));
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + randomInt(random, random() < 0.5 ? 4 : 64);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      expect(await collect(chunks, maxFrameBytes), `round ${round}`).toEqual(expected);
    }
  });

  it('strips the carriage return of CRLF line endings, even when "\\r" and "\\n" arrive apart', async () => {
    expect(texts(await collect(['{"a":1}\r\n{"b":2}\r', '\n']))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('keeps a carriage return that is not at the end of the line', async () => {
    expect(texts(await collect(['a\rb\n']))).toEqual(['a\rb']);
  });

  it('skips empty lines and blank CRLF lines', async () => {
    expect(texts(await collect(['\n\n{"a":1}\n\r\n\n{"b":2}\n\n']))).toEqual([
      '{"a":1}',
      '{"b":2}',
    ]);
  });

  it('yields an unterminated last frame at end of stream', async () => {
    expect(texts(await collect(['{"a":1}\n{"b"', ':2}']))).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('accepts string chunks from a stream with an encoding set', async () => {
    expect(texts(await collect(['日本\n', 'é\n']))).toEqual(['日本', 'é']);
  });

  it('accepts a frame of exactly the limit and rejects one byte more', async () => {
    const frames = await collect(['x'.repeat(16) + '\n' + 'y'.repeat(17) + '\r\n'], 16);
    expect(frames).toEqual([
      { kind: 'line', text: 'x'.repeat(16) },
      { kind: 'oversize', bytes: 18, head: 'y'.repeat(17), tail: 'y'.repeat(17) },
    ]);
  });

  it('rejects an oversize frame once, across many chunks, and keeps the next frame intact', async () => {
    const chunks = [
      '{"id":1}\n{"jsonrpc":"2.0","id":42,"params":"',
      ...Array.from({ length: 100 }, () => 'z'.repeat(1000)),
      '"}\n{"id":2}\n',
    ];
    const frames = await collect(chunks, 4096);
    expect(texts(frames)).toEqual(['{"id":1}', '<oversize>', '{"id":2}']);
    const oversize = frames[1];
    expect(oversize?.kind === 'oversize' && oversize.bytes).toBe(
      '{"jsonrpc":"2.0","id":42,"params":"'.length + 100 * 1000 + '"}'.length,
    );
    expect(oversize?.kind === 'oversize' && oversize.head).toMatch(/^\{"jsonrpc":"2\.0","id":42,/);
    expect(oversize?.kind === 'oversize' && oversize.tail).toBe('z'.repeat(254) + '"}');
  });

  it('reports an oversize frame that the stream ends in the middle of', async () => {
    const frames = await collect(['{"id":1}\n', 'w'.repeat(5000)], 100);
    expect(texts(frames)).toEqual(['{"id":1}', '<oversize>']);
    expect(frames[1]).toMatchObject({ kind: 'oversize', bytes: 5000 });
  });

  it('rejects a maxFrameBytes that is not a positive integer, naming the value', async () => {
    const read = (maxFrameBytes: number) => collect(['a\n'], maxFrameBytes);
    await expect(read(0)).rejects.toThrow(
      'Expected `maxFrameBytes` to be a positive integer, got `0`.',
    );
    await expect(read(1.5)).rejects.toThrow('got `1.5`');
  });

  it('reads a synthetic source only as fast as a slow consumer takes frames', async () => {
    const { source, produced } = endlessSource();
    let consumed = 0;
    let lead = 0;
    for await (const frame of readFrames(source, { maxFrameBytes: 1024 })) {
      if (frame.kind === 'line') consumed += Buffer.byteLength(frame.text) + 1;
      if (consumed % 4096 === 0) await sleep(0);
      lead = Math.max(lead, produced() - consumed);
      if (consumed >= 4 * 1024 * 1024) break;
    }
    expect(produced()).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    // Stream buffer (16 KiB high-water mark) plus the chunk in hand: never megabytes.
    expect(lead).toBeLessThan(64 * 1024);
  });

  it('stops a real child that honours backpressure while the consumer is slow', async () => {
    // The child writes ~110-byte lines until write() says the pipe is full, waits for 'drain', and
    // reports on stderr how many lines it has handed over.
    const writer = `let i = 0; const pad = 'x'.repeat(100);
      const go = () => { for (;;) { const ok = process.stdout.write('{"i":' + i + ',"p":"' + pad + '"}\\n');
        if (i++ % 100 === 0 || !ok) process.stderr.write(i + '\\n'); if (!ok) return process.stdout.once('drain', go); } };
      go();`;
    const child = spawn(process.execPath, ['-e', writer], { stdio: ['ignore', 'pipe', 'pipe'] });
    let written = 0;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      written = Math.max(written, ...text.trim().split('\n').map(Number));
    });
    let read = 0;
    let lead = 0;
    try {
      for await (const frame of readFrames(child.stdout, { maxFrameBytes: 1024 })) {
        if (frame.kind !== 'line') continue;
        read = (JSON.parse(frame.text) as { i: number }).i;
        if (read % 1000 === 0) await sleep(5);
        lead = Math.max(lead, written - read);
        if (read >= 100_000) break;
      }
    } finally {
      child.kill('SIGKILL');
    }
    expect(read).toBe(100_000);
    // Socket and stream buffers hold well under a few thousand such lines; without backpressure the
    // child would be hundreds of thousands of lines ahead.
    expect(lead).toBeLessThan(20_000);
  });

  it('pumpFrames hands over each chunk’s frames undecoded, the same frames as readFrames', async () => {
    const random = seededRandom(0xba7c);
    for (let round = 0; round < 100; round++) {
      const parts: string[] = [];
      for (let n = randomInt(random, 12); n >= 0; n--) {
        let text = '';
        for (let len = randomInt(random, 30); len > 0; len--)
          text += ALPHABET[randomInt(random, ALPHABET.length)] ?? '';
        parts.push(text + (random() < 0.3 ? '\r\n' : '\n'));
      }
      const bytes = Buffer.from(parts.join(''));
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + randomInt(random, 40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const batches = await pumpAll(Readable.from(chunks), 48);
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      const decoded = batches
        .flat()
        .map((frame) =>
          frame.kind === 'bytes'
            ? { kind: 'line', text: frame.source.toString('utf8', frame.start, frame.end) }
            : frame,
        );
      expect(decoded, `round ${round}`).toEqual(await collect(chunks, 48));
      for (const frame of batches.flat()) {
        if (frame.kind !== 'bytes') continue;
        // Where a newline follows, the frame can be written out as one slice.
        const next = frame.source[frame.end];
        expect(frame.newlineFollows, `round ${round}`).toBe(next === 0x0a);
      }
    }
  });
});

describe('pumpFrames', () => {
  it('hands over the same frames as readFrames, in order, including the unterminated last one', async () => {
    const random = seededRandom(0x9a3f);
    for (let round = 0; round < 100; round++) {
      let text = '';
      for (let n = randomInt(random, 12); n >= 0; n--) {
        for (let len = randomInt(random, 30); len > 0; len--)
          text += ALPHABET[randomInt(random, ALPHABET.length)] ?? '';
        text += random() < 0.3 ? '\r\n' : '\n';
      }
      text += random() < 0.5 ? 'tail' : '';
      const bytes = Buffer.from(text);
      const chunks: Buffer[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + randomInt(random, 40);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const decoded = (await pumpAll(Readable.from(chunks), 48)).flat().map(decodeFrame);
      expect(decoded, `round ${round}`).toEqual(await collect(chunks, 48));
    }
  });

  it('reads a synthetic source only as fast as a slow handler takes batches', async () => {
    let consumed = 0;
    let lead = 0;
    const { source, produced } = endlessSource(() => consumed >= 4 * 1024 * 1024);
    await pumpFrames(source, { maxFrameBytes: 1024 }, async (frames) => {
      for (const frame of frames)
        if (frame.kind === 'bytes') consumed += frame.end - frame.start + 1;
      await sleep(0);
      lead = Math.max(lead, produced() - consumed);
    });
    expect(consumed).toBeGreaterThanOrEqual(4 * 1024 * 1024);
    // Stream buffer (16 KiB high-water mark) plus the chunks in hand: never megabytes.
    expect(lead).toBeLessThan(64 * 1024);
  });

  it('rejects and destroys the source when a handler fails', async () => {
    const source = Readable.from(['{"a":1}\n', '{"a":2}\n']);
    await expect(
      pumpFrames(source, { maxFrameBytes: 64 }, () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    expect(source.destroyed).toBe(true);
  });
});
