import type { Writable } from 'node:stream';

const LF = 0x0a;

/** The destination closed or failed (EPIPE from a dead child, a client that went away). */
export class DestinationClosedError extends Error {
  override readonly name = 'DestinationClosedError';
  constructor(readonly reason: Error | undefined) {
    super(
      reason === undefined
        ? 'The destination stream is closed.'
        : `The destination stream failed: ${reason.message}`,
      reason === undefined ? undefined : { cause: reason },
    );
  }
}

/**
 * Writes one frame per line to a Writable with Node's own backpressure contract:
 * `if (!writer.write(text)) await writer.drain();` — cheap when there is room, a promise only when
 * the destination is full. Errors on the destination (EPIPE) never throw: they close the writer,
 * make `drain()` reject and resolve `closed`.
 */
export class FrameWriter {
  readonly #destination: Writable;
  #isClosed = false;
  #corked = false;
  #error: Error | undefined;
  #resolveClosed!: (error: Error | undefined) => void;
  /** Resolves (never rejects) when the destination closes; with the error if it failed. */
  readonly closed: Promise<Error | undefined>;

  constructor(destination: Writable) {
    this.#destination = destination;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    destination.on('error', (error: Error) => {
      this.#close(error);
    });
    destination.on('close', () => {
      this.#close(undefined);
    });
    this.#noticeFailure();
  }

  /** True once the destination failed, closed or was ended: frames are refused. */
  get isClosed(): boolean {
    this.#noticeFailure();
    return this.#isClosed || this.#destination.writableEnded;
  }

  /**
   * Writes `text` and a newline. False means: `await drain()` before the next write.
   * Throws if `text` holds a newline: that would split one judged message into two frames.
   */
  write(text: string): boolean {
    if (text.includes('\n')) {
      throw new RangeError('A frame must not contain a newline; serialise it with JSON.stringify.');
    }
    if (this.isClosed) return false;
    return this.#destination.write(text + '\n');
  }

  /**
   * Writes bytes that are already whole frames, each ending in `\n` (as read, never decoded).
   * False means: `await drain()` before the next write.
   */
  writeBytes(bytes: Buffer): boolean {
    if (bytes.length === 0 || bytes[bytes.length - 1] !== LF) {
      throw new RangeError('Frame bytes must end with a newline.');
    }
    if (this.isClosed) return false;
    return this.#destination.write(bytes);
  }

  /**
   * Holds the frames written from now on until `uncork()`, so the frames of one read chunk leave in
   * one system call (and wake the reader once). Waiting in `drain()` or `end()` releases the hold:
   * a corked destination never drains.
   */
  cork(): void {
    if (this.#corked || this.isClosed) return;
    this.#corked = true;
    this.#destination.cork();
  }

  /** Writes out what `cork()` held. */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    this.#destination.uncork();
  }

  /** Resolves once the destination has room; rejects with DestinationClosedError once it is closed. */
  drain(): Promise<void> {
    this.uncork();
    if (this.isClosed) {
      return Promise.reject(new DestinationClosedError(this.#error));
    }
    if (!this.#destination.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onClosed = (): void => {
        cleanup();
        reject(new DestinationClosedError(this.#error));
      };
      const cleanup = (): void => {
        this.#destination.off('drain', onDrain);
        this.#destination.off('close', onClosed);
        this.#destination.off('error', onClosed);
      };
      this.#destination.on('drain', onDrain);
      this.#destination.on('close', onClosed);
      this.#destination.on('error', onClosed);
    });
  }

  /** Ends the destination after queued frames; resolves when it finished or closed, never rejects. */
  end(): Promise<void> {
    this.uncork();
    if (this.#isClosed) return Promise.resolve();
    if (!this.#destination.writableEnded) this.#destination.end();
    return new Promise((resolve) => {
      if (this.#destination.writableFinished) resolve();
      this.#destination.once('finish', () => {
        resolve();
      });
      void this.closed.then(() => {
        resolve();
      });
    });
  }

  /** A write can fail synchronously (EPIPE) before the 'error' event is emitted on the next tick. */
  #noticeFailure(): void {
    const destination = this.#destination;
    if (destination.errored !== null) this.#close(destination.errored);
    else if (destination.destroyed) this.#close(undefined);
  }

  #close(error: Error | undefined): void {
    this.#error ??= error;
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#resolveClosed(this.#error);
  }
}
