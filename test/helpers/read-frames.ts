import type { Readable } from 'node:stream';
import { FrameSplitter, type Frame, type FrameLimits } from '../../src/framing/frame-splitter.js';

export type {
  BytesFrame,
  Frame,
  FrameLimits,
  LineFrame,
  OversizeFrame,
  RawFrame,
} from '../../src/framing/frame-splitter.js';

/**
 * For tests (the shim reads with pumpFrames, which costs less per chunk; see pump-frames.ts):
 * yields the frames of a newline-delimited stream in order, oversize ones as `{ kind: 'oversize' }`.
 * Backpressure comes from async iteration: the source is read only when the consumer asks for more,
 * so a consumer that awaits a congested writer leaves the source paused (and the pipe full).
 * An unterminated last frame is yielded at end of stream. Stream errors are thrown; leaving the loop
 * early destroys the source (Node's default for `for await` over a Readable).
 */
export async function* readFrames(
  source: Readable,
  limits: FrameLimits,
): AsyncGenerator<Frame, void, undefined> {
  const splitter = new FrameSplitter(limits);
  const frames: Frame[] = [];
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, frames);
    for (const frame of frames) yield frame;
    frames.length = 0;
  }
  splitter.end(frames);
  yield* frames;
}
