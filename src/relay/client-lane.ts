import type { ClassifiedMessage } from '../core/json-rpc.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import type { Session } from '../session/session.js';

/** One client message on its way to the server: a whole frame, or one element of a batch. */
export interface LaneItem {
  readonly message: ClassifiedMessage;
  /** The parsed value: what is forwarded when there is no frame text (a batch element). */
  readonly value: unknown;
  /** The frame's text when the message was a whole frame: forwarded unchanged when allowed. */
  readonly text: string | undefined;
  readonly access: NamespaceAccess;
  /**
   * Held until this is true as well: a tool call waiting for the shim's own tools listing (its
   * pin, see PinListing in refresh-catalog). The lane is woken when that listing ends.
   */
  readonly ready?: () => boolean;
}

/**
 * How much the lane holds before the client's pipe is read no further. Reading goes on while
 * requests are held, so that the client's answers to the server (sampling, elicitation, roots,
 * which a barrier call may be waiting for) are never stuck behind them; past these bounds the
 * pump pauses (backpressure), so memory stays bounded.
 */
export const MAX_HELD_MESSAGES = 256;
export const MAX_HELD_BYTES = 16 * 1024 * 1024;

/**
 * The client → server requests (and the notifications after them) held behind a namespace
 * barrier, in arrival order. The head is handled as soon as the session's gate admits it; the
 * rest wait behind it, so requests reach the server in the order the client sent them.
 */
export class ClientLane {
  readonly #session: Session;
  readonly #handle: (item: LaneItem) => Promise<void>;
  #held: { item: LaneItem; bytes: number }[] = [];
  #heldBytes = 0;
  #draining = false;
  /** The held item being handled: already judged (and forwarded), no longer removable. */
  #active: LaneItem | undefined;
  #roomWaiters: (() => void)[] = [];
  #readyWaiters: (() => void)[] = [];

  /** `handle` judges and forwards (or answers) one released item; it must not throw. */
  constructor(session: Session, handle: (item: LaneItem) => Promise<void>) {
    this.#session = session;
    this.#handle = handle;
    session.gate.onLeave(() => {
      this.#wake();
    });
  }

  /** True while anything is held: a new request or notification must queue behind it. */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  get heldCount(): number {
    return this.#held.length;
  }

  /** A message with this access may be handled now, ahead of nothing. */
  admitsNow(access: NamespaceAccess): boolean {
    return this.#held.length === 0 && this.#session.gate.admits(access);
  }

  /** Queues an item; the caller has already reserved a request's id in the session. */
  hold(item: LaneItem, bytes: number): void {
    this.#held.push({ item, bytes });
    this.#heldBytes += bytes;
    this.#wake();
  }

  /**
   * Resolves once no held item waits on its own `ready` and nothing is being handled: the client
   * closed its end, and a call waiting for the shim's listing (bounded by its timeout, unlike a
   * barrier) must reach the server before the server's stdin is closed.
   */
  whenReadyWaitsDone(): Promise<void> {
    if (this.#readyWaitsDone()) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /** Something other than the gate may admit the head now (PinListing ended). */
  wake(): void {
    this.#wake();
  }

  /** Takes a held request out of the queue (the client cancelled it); not the one being handled. */
  removeHeld(id: string | number): boolean {
    const index = this.#held.findIndex(
      ({ item }) =>
        item !== this.#active && item.message.kind === 'request' && item.message.id === id,
    );
    if (index < 0) return false;
    const [removed] = this.#held.splice(index, 1);
    this.#heldBytes -= removed?.bytes ?? 0;
    this.#notifyRoom();
    this.#notifyReadyWaits();
    return true;
  }

  /** Undefined while there is room; else a promise that resolves once there is. */
  whenRoom(): Promise<void> | undefined {
    if (this.#hasRoom()) return undefined;
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** The server is gone: nothing held will be forwarded (the session answers for it). */
  abandon(): void {
    this.#held = [];
    this.#heldBytes = 0;
    this.#notifyRoom();
    this.#notifyReadyWaits();
  }

  #wake(): void {
    if (this.#draining || this.#held.length === 0) return;
    // Never inside the caller's stack (a response being settled in the other pipeline).
    this.#draining = true;
    queueMicrotask(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        const head = this.#held[0];
        if (head === undefined || !this.#admits(head.item)) break;
        // Stays queued while handled: a message read meanwhile must not overtake it.
        this.#active = head.item;
        await this.#handle(head.item);
        this.#active = undefined;
        if (this.#held[0] === head) {
          this.#held.shift();
          this.#heldBytes -= head.bytes;
          this.#notifyRoom();
        }
      }
    } finally {
      this.#active = undefined;
      this.#draining = false;
    }
    this.#notifyReadyWaits();
    // A leave that came while the last item was being handled may admit the new head.
    const head = this.#held[0];
    if (head !== undefined && this.#admits(head.item)) this.#wake();
  }

  #admits(item: LaneItem): boolean {
    return this.#session.gate.admits(item.access) && (item.ready?.() ?? true);
  }

  #readyWaitsDone(): boolean {
    return !this.#draining && !this.#held.some(({ item }) => item.ready !== undefined);
  }

  #notifyReadyWaits(): void {
    if (this.#readyWaiters.length === 0 || !this.#readyWaitsDone()) return;
    const waiters = this.#readyWaiters;
    this.#readyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #hasRoom(): boolean {
    return this.#held.length < MAX_HELD_MESSAGES && this.#heldBytes < MAX_HELD_BYTES;
  }

  #notifyRoom(): void {
    if (!this.#hasRoom() || this.#roomWaiters.length === 0) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
