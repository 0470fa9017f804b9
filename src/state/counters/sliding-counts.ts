import type { CountWindow } from '../../core/policy-input.js';

/** What a policy input shows of one window (`rate`, `quota`). */
export type WindowView = CountWindow;

/** Ascending times of one key; entries before `head` have expired (dropped in batches). */
interface Times {
  readonly list: number[];
  head: number;
  /** `resets_at` of the last view, and the time it was made from: rebuilt only when that moves. */
  resetsAt: string;
  resetsAtFrom: number;
}

/**
 * Sliding-window counters: per key, the times (ms) of the counted calls in the last `windowMs`.
 * Entirely in memory; the view is rebuilt only when a call is added or an entry expires, so a
 * run of judged calls reuses one frozen object. Expiry advances an index rather than shifting
 * the array: a window holds up to a day of calls.
 */
export class SlidingCounts {
  readonly #windowMs: number;
  readonly #times = new Map<string, Times>();
  #view: WindowView | undefined;
  /** When the cached view goes stale: the earliest expiry among the keys. */
  #validUntil = Number.POSITIVE_INFINITY;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  /** How many call times are held, expired ones not yet dropped included (tests, diagnostics). */
  get retained(): number {
    let held = 0;
    for (const times of this.#times.values()) held += times.list.length;
    return held;
  }

  add(key: string, at: number): void {
    let times = this.#times.get(key);
    if (times === undefined) {
      times = { list: [], head: 0, resetsAt: '', resetsAtFrom: Number.NaN };
      this.#times.set(key, times);
    }
    const { list } = times;
    // Calls arrive in time order; another shim's segment may be a little behind.
    if (list.length === 0 || (list[list.length - 1] ?? 0) <= at) list.push(at);
    else {
      let index = list.length;
      while (index > times.head && (list[index - 1] ?? 0) > at) index--;
      list.splice(index, 0, at);
    }
    this.#view = undefined;
  }

  /**
   * The count of one key inside (now − window, now]: the same figure `view(now)` shows. Drops
   * what expired, like the view: the fast path (src/relay/rate-quota.ts) may never build a view,
   * and the list must not grow for the whole session nor be walked from its start on every call.
   */
  countOf(key: string, now: number): number {
    const times = this.#times.get(key);
    if (times === undefined) return 0;
    // A cached view that still shows a dropped entry is stale already (`#validUntil`).
    this.#expire(times, now - this.#windowMs);
    return times.list.length - times.head;
  }

  /** Advances past the entries at or before `since`; compacts the list once most of it is dropped. */
  #expire(times: Times, since: number): void {
    const { list } = times;
    while (times.head < list.length && (list[times.head] ?? 0) <= since) times.head++;
    if (times.head > 1024 && times.head * 2 > list.length) {
      list.splice(0, times.head);
      times.head = 0;
    }
  }

  /** The counts inside (now − window, now]. */
  view(now: number): WindowView {
    if (this.#view !== undefined && now < this.#validUntil) return this.#view;
    const since = now - this.#windowMs;
    const counts: Record<string, number> = {};
    const resetsAt: Record<string, string> = {};
    let validUntil = Number.POSITIVE_INFINITY;
    for (const [key, times] of this.#times) {
      this.#expire(times, since);
      const { list } = times;
      const oldest = list[times.head];
      if (oldest === undefined) {
        this.#times.delete(key);
        continue;
      }
      counts[key] = list.length - times.head;
      if (times.resetsAtFrom !== oldest) {
        times.resetsAt = new Date(oldest + this.#windowMs).toISOString();
        times.resetsAtFrom = oldest;
      }
      resetsAt[key] = times.resetsAt;
      validUntil = Math.min(validUntil, oldest + this.#windowMs);
    }
    this.#view = Object.freeze({
      window_seconds: this.#windowMs / 1000,
      counts: Object.freeze(counts),
      resets_at: Object.freeze(resetsAt),
    });
    this.#validUntil = validUntil;
    return this.#view;
  }
}
