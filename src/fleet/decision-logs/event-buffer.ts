/**
 * The upload buffer: serialised events, oldest first, bounded by bytes or by count. As OPA's
 * buffers do, a full buffer drops its OLDEST events to make room for the new one; every drop is
 * counted. Events taken out for an upload are older than any queued one, so while an upload runs
 * the limit applies to the queued events alone (memory stays under twice the limit); when it
 * ends, delivered events leave and failed ones come back to the front, and the limit is enforced
 * over all of them, oldest first. So an event is counted as dropped exactly when it is discarded
 * undelivered.
 */
export type BufferLimit =
  | { readonly kind: 'bytes'; readonly bytes: number }
  | { readonly kind: 'events'; readonly events: number };

export interface BufferedEvent {
  /** The event's JSON text, secrets scrubbed: exactly what will be uploaded. */
  readonly json: string;
  readonly bytes: number;
}

export class EventBuffer {
  private queue: BufferedEvent[] = [];
  private head = 0;
  private inFlight: BufferedEvent[] = [];
  private queuedBytes = 0;
  private inFlightBytes = 0;
  /** Events dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly limit: BufferLimit) {}

  get length(): number {
    return this.queue.length - this.head;
  }

  /** Buffered events, in-flight ones included. */
  get backlog(): number {
    return this.length + this.inFlight.length;
  }

  get backlogBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  push(json: string): void {
    const event = { json, bytes: Buffer.byteLength(json) };
    this.queue.push(event);
    this.queuedBytes += event.bytes;
    this.enforce();
  }

  /** How many events from the front fit in `bytes` of JSON (at least one, at most `max`). */
  countWithin(bytes: number, max: number): number {
    let total = 0;
    let count = 0;
    for (let i = this.head; i < this.queue.length && count < max; i += 1) {
      total += this.queue[i]?.bytes ?? 0;
      if (count > 0 && total > bytes) break;
      count += 1;
    }
    return count;
  }

  /** Takes up to `max` events from the front for an upload; `settle` must follow. */
  take(max: number): readonly BufferedEvent[] {
    const end = Math.min(this.queue.length, this.head + max);
    this.inFlight = this.queue.slice(this.head, end);
    this.head = end;
    for (const event of this.inFlight) {
      this.queuedBytes -= event.bytes;
      this.inFlightBytes += event.bytes;
    }
    this.compact();
    return this.inFlight;
  }

  /** Ends the upload of the taken events: delivered, or put back at the front. */
  settle(delivered: boolean, count = this.inFlight.length): void {
    const back = delivered ? this.inFlight.slice(count) : this.inFlight;
    this.inFlight = [];
    this.inFlightBytes = 0;
    if (back.length > 0) {
      this.queue = [...back, ...this.queue.slice(this.head)];
      this.head = 0;
      for (const event of back) this.queuedBytes += event.bytes;
    }
    this.enforce();
  }

  /** Drops the oldest queued events until the limit holds for them. */
  private enforce(): void {
    while (this.length > 0 && this.over()) {
      const oldest = this.queue[this.head];
      this.head += 1;
      if (oldest !== undefined) this.queuedBytes -= oldest.bytes;
      this.dropped += 1;
    }
    this.compact();
  }

  private over(): boolean {
    return this.limit.kind === 'events'
      ? this.length > this.limit.events
      : this.queuedBytes > this.limit.bytes;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
