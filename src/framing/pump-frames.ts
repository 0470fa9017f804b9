import type { Readable } from 'node:stream';
import { FrameSplitter, type FrameLimits, type RawFrame } from './frame-splitter.js';

/** Handles the frames of one read chunk; a returned promise holds the next batch back. */
export type BatchHandler = (frames: RawFrame[]) => Promise<void> | undefined;

/**
 * Feeds the frames of a newline-delimited stream to `handle`, one batch per read chunk, in order.
 * Resolves at end of stream (after the unterminated last frame, if any); rejects on a stream error
 * or when `handle` fails, and then destroys the source.
 *
 * Why not `for await` (readFrames): async iteration costs several microtask hops and a
 * promise per chunk on both pipes of every round trip (measured: about 5 µs more added latency
 * per request). Here a batch is handled in the 'data' callback itself. Backpressure is the same:
 * a chunk that arrives while a handler's promise is still pending (a congested writer: promises
 * that settle in microtasks are done before the next read) waits in order and pauses the source,
 * so it is read no faster than the destination takes frames.
 */
export function pumpFrames(
  source: Readable,
  limits: FrameLimits,
  handle: BatchHandler,
): Promise<void> {
  const splitter = new FrameSplitter(limits);
  const waiting: RawFrame[][] = [];
  let busy = false;
  let ended = false;

  return new Promise<void>((resolve, reject) => {
    const fail = (error: unknown): void => {
      source.off('data', onData);
      source.destroy();
      reject(error instanceof Error ? error : new Error(String(error)));
    };

    /** Runs the waiting batches in order, each after the previous one's promise settled. */
    const drainWaiting = (): void => {
      while (waiting.length > 0) {
        const frames = waiting.shift() ?? [];
        let pending: Promise<void> | undefined;
        try {
          pending = handle(frames);
        } catch (error) {
          fail(error);
          return;
        }
        if (pending !== undefined) {
          busy = true;
          pending.then(() => {
            busy = false;
            drainWaiting();
          }, fail);
          return;
        }
      }
      if (ended) resolve();
      else if (source.isPaused()) source.resume();
    };

    const onData = (chunk: Buffer | string): void => {
      const frames: RawFrame[] = [];
      splitter.pushBytes(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, frames);
      if (frames.length === 0) return;
      waiting.push(frames);
      if (busy) source.pause();
      else drainWaiting();
    };

    source.on('data', onData);
    source.once('end', () => {
      ended = true;
      const last: RawFrame[] = [];
      splitter.endBytes(last);
      if (last.length > 0) waiting.push(last);
      if (!busy) drainWaiting();
    });
    source.once('error', fail);
    // Destroyed without an end (as `for await` reports it): the frames read so far were handled.
    source.once('close', () => {
      if (!ended) fail(new Error('The stream closed before its end.'));
    });
  });
}
