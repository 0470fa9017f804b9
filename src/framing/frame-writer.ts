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
 * Called before any frame reaches the destination (write-ahead: the audit records of what is
 * about to move are written first). When it throws, nothing goes out: the frame being written
 * and, as its owner decides, the frames held by `cork()` (see `discardHeld`).
 */
export type ReleaseGate = () => void;

/**
 * Writes one frame per line to a Writable with Node's own backpressure contract:
 * `if (!writer.write(text)) await writer.drain();` — cheap when there is room, a promise only when
 * the destination is full. Errors on the destination (EPIPE) never throw: they close the writer,
 * make `drain()` reject and resolve `closed`. The gate's errors do throw, from `write`,
 * `writeBytes` and `uncork`.
 */
export class FrameWriter {
  readonly #destination: Writable;
  readonly #gate: ReleaseGate | undefined;
  #isClosed = false;
  #corked = false;
  /** Frames written while corked, not yet handed to the destination (whole lines). */
  #held: (string | Buffer)[] = [];
  #heldLength = 0;
  #error: Error | undefined;
  #resolveClosed!: (error: Error | undefined) => void;
  /** Resolves (never rejects) when the destination closes; with the error if it failed. */
  readonly closed: Promise<Error | undefined>;

  constructor(destination: Writable, gate?: ReleaseGate) {
    this.#destination = destination;
    this.#gate = gate;
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
    if (this.#corked) return this.#hold(text + '\n');
    this.#gate?.();
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
    if (this.#corked) return this.#hold(bytes);
    this.#gate?.();
    return this.#destination.write(bytes);
  }

  /**
   * Holds the frames written from now on until `uncork()`, so the frames of one read chunk leave in
   * one system call (and wake the reader once), after the gate. Waiting in `drain()` or `end()`
   * releases the hold: a corked destination never drains.
   */
  cork(): void {
    if (this.#corked || this.isClosed) return;
    this.#corked = true;
  }

  /**
   * Passes the gate, then writes out what `cork()` held. When the gate throws, what was held stays
   * held (its owner discards it) and the error is thrown.
   */
  uncork(): void {
    if (!this.#corked) return;
    this.#corked = false;
    if (this.#held.length === 0) return;
    this.#gate?.();
    const held = this.#held;
    this.#held = [];
    this.#heldLength = 0;
    if (this.isClosed) return;
    // One frame (a sequential round trip): one plain write, as when nothing was held.
    if (held.length === 1) {
      this.#destination.write(held[0]);
      return;
    }
    if (held.every((chunk) => typeof chunk === 'string')) {
      this.#destination.write(held.length === 1 ? held[0] : held.join(''));
      return;
    }
    this.#destination.cork();
    for (const chunk of held) this.#destination.write(chunk);
    this.#destination.uncork();
  }

  /** Drops what `cork()` holds (its records could not be written) and returns it, in order. */
  discardHeld(): (string | Buffer)[] {
    const held = this.#held;
    this.#held = [];
    this.#heldLength = 0;
    return held;
  }

  /** Holds one whole line; false when destination and hold together pass the high-water mark. */
  #hold(chunk: string | Buffer): boolean {
    this.#held.push(chunk);
    this.#heldLength += chunk.length;
    const destination = this.#destination;
    return destination.writableLength + this.#heldLength < destination.writableHighWaterMark;
  }

  /** Resolves once the destination has room; rejects with DestinationClosedError once it is closed. */
  drain(): Promise<void> {
    try {
      this.uncork();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
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
    try {
      this.uncork();
    } catch {
      // The gate refused what was held; its owner was told and discards it.
    }
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
