import { createHash } from 'node:crypto';
import path from 'node:path';
import { QuotaSegments } from './quota-segments.js';
import { SlidingCounts, type WindowView } from './sliding-counts.js';

export { QuotaStoreError } from './quota-segments.js';
export type { WindowView } from './sliding-counts.js';

/** Rate limits count per minute, in memory, per session. */
export const RATE_WINDOW_MS = 60_000;
/** Quotas count per day, persisted, shared by the principal's shims. */
export const QUOTA_WINDOW_MS = 86_400_000;

/** What an allowed decision asks the shim to count once the call is forwarded. */
export interface CountRequest {
  readonly rate: readonly string[];
  readonly quota: readonly string[];
}

/**
 * The counters of one shim run. Nothing is counted, read or opened until a decision asks for
 * it (`obligations.count`): a session whose policy configures no limit pays nothing.
 */
export class CallCounters {
  readonly #quotaDirectory: string;
  readonly #now: () => number;
  #rate: SlidingCounts | undefined;
  #quota: QuotaSegments | undefined;

  /** `stateDir` is `--state-dir`; the quota segments go in a directory per principal under it. */
  constructor(stateDir: string, principalId: string, now: () => number = Date.now) {
    const digest = createHash('sha256').update(principalId).digest('hex').slice(0, 16);
    this.#quotaDirectory = path.join(stateDir, 'quotas', `principal-${digest}`);
    this.#now = now;
  }

  get quotaDirectory(): string {
    return this.#quotaDirectory;
  }

  /** True once a decision asked for a count: inputs then carry the windows. */
  get active(): boolean {
    return this.#rate !== undefined || this.#quota !== undefined;
  }

  get quotaOpen(): boolean {
    return this.#quota !== undefined;
  }

  /** Opens the persisted quota store (reads every segment). Throws QuotaStoreError. */
  openQuota(): void {
    this.#quota ??= QuotaSegments.open(this.#quotaDirectory, QUOTA_WINDOW_MS, this.#now());
  }

  /** The windows a policy input shows; `quota` re-reads the other shims' segments. Throws QuotaStoreError. */
  views(): { readonly rate?: WindowView; readonly quota?: WindowView } {
    const now = this.#now();
    const rate = this.#rate?.view(now);
    const quota = this.#quota?.view(now);
    return {
      ...(rate === undefined ? {} : { rate }),
      ...(quota === undefined ? {} : { quota }),
    };
  }

  /** Counts one forwarded call. Throws QuotaStoreError when the quota segment cannot be written. */
  count(request: CountRequest): void {
    const now = this.#now();
    if (request.rate.length > 0) {
      this.#rate ??= new SlidingCounts(RATE_WINDOW_MS);
      for (const key of request.rate) this.#rate.add(key, now);
    }
    if (request.quota.length > 0) {
      this.openQuota();
      for (const key of request.quota) this.#quota?.append(key, now);
    }
  }

  close(): void {
    this.#quota?.close();
  }
}

/**
 * `obligations.count` of a decision: `{rate?: string[], quota?: string[]}`. Undefined when the
 * decision asks for nothing (the usual case, checked first).
 */
export function countRequestOf(
  obligations: Readonly<Record<string, unknown>> | undefined,
): CountRequest | undefined {
  const raw = obligations?.count;
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { rate, quota } = raw as Record<string, unknown>;
  const request = { rate: keysOf(rate), quota: keysOf(quota) };
  return request.rate.length + request.quota.length > 0 ? request : undefined;
}

/** The string keys, each once: two rules naming one key count the call once. */
function keysOf(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  return [...new Set(raw.filter((key): key is string => typeof key === 'string'))];
}
