import type { CountWindow } from '../../core/policy-input.js';

/** What a policy input shows of one window (`rate`, `quota`). */
export type WindowView = CountWindow;

/**
 * Sliding-window counters: per key, the times (ms) of the counted calls in the last `windowMs`.
 * Entirely in memory; the view is rebuilt only when a call is added or an entry expires, so a
 * run of judged calls reuses one frozen object.
 */
export class SlidingCounts {
  readonly #windowMs: number;
  /** Ascending times per key. */
  readonly #times = new Map<string, number[]>();
  #view: WindowView | undefined;
  /** When the cached view goes stale: the earliest expiry among the keys. */
  #validUntil = Number.POSITIVE_INFINITY;

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  add(key: string, at: number): void {
    let times = this.#times.get(key);
    if (times === undefined) {
      times = [];
      this.#times.set(key, times);
    }
    // Calls arrive in time order; another shim's segment may be a little behind.
    let index = times.length;
    while (index > 0 && (times[index - 1] ?? 0) > at) index--;
    times.splice(index, 0, at);
    this.#view = undefined;
  }

  /** The counts inside (now − window, now]. */
  view(now: number): WindowView {
    if (this.#view !== undefined && now < this.#validUntil) return this.#view;
    const since = now - this.#windowMs;
    const counts: Record<string, number> = {};
    const resetsAt: Record<string, string> = {};
    let validUntil = Number.POSITIVE_INFINITY;
    for (const [key, times] of this.#times) {
      let expired = 0;
      while (expired < times.length && (times[expired] ?? 0) <= since) expired++;
      if (expired > 0) times.splice(0, expired);
      const oldest = times[0];
      if (oldest === undefined) {
        this.#times.delete(key);
        continue;
      }
      counts[key] = times.length;
      resetsAt[key] = new Date(oldest + this.#windowMs).toISOString();
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
