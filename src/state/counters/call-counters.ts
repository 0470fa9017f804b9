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
  /**
   * Each key's limit, in the keys' order, when the policy gives them (`rate_limits`,
   * `quota_limits`): the policy then reads the windows only through these limits.
   */
  readonly limits?: { readonly rate: readonly number[]; readonly quota: readonly number[] };
}

/**
 * The counters of one shim run. Nothing is counted, read or opened until a decision asks for
 * it (`obligations.count`): a session whose policy configures no limit pays nothing.
 */
export class CallCounters {
  readonly #quotaDirectory: string;
  readonly #now: () => number;
  /**
   * False once an allowed decision with the counters active came without limits: the shim then
   * always judges with the windows (docs/rate-limits.md, "Cost"). Only a saving depends on it.
   */
  limitsGiven = true;
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

  /** The rate window a policy input shows, once a decision asked for a rate count. */
  rateView(): WindowView | undefined {
    return this.#rate?.view(this.#now());
  }

  /** The quota window; re-reads the other shims' segments. Throws QuotaStoreError. */
  quotaView(): WindowView | undefined {
    return this.#quota?.view(this.#now());
  }

  /**
   * True when every key of `request` is below its limit now (quota counts re-read from the
   * other shims first). False without limits, or while the quota store is not open yet.
   * Throws QuotaStoreError.
   */
  allBelow(request: CountRequest): boolean {
    const { limits } = request;
    if (limits === undefined) return false;
    if (request.quota.length > 0 && this.#quota === undefined) return false;
    const now = this.#now();
    for (const [index, key] of request.rate.entries()) {
      if ((this.#rate?.countOf(key, now) ?? 0) >= (limits.rate[index] ?? 0)) return false;
    }
    for (const [index, key] of request.quota.entries()) {
      if ((this.#quota?.countOf(key, now) ?? 0) >= (limits.quota[index] ?? 0)) return false;
    }
    return true;
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
 * `obligations.count` of a decision: `{rate?: string[], quota?: string[], rate_limits?:
 * number[], quota_limits?: number[]}`. Undefined when the decision asks for nothing and gives
 * no limits (the usual case, checked first).
 */
export function countRequestOf(
  obligations: Readonly<Record<string, unknown>> | undefined,
): CountRequest | undefined {
  const raw = obligations?.count;
  if (typeof raw !== 'object' || raw === null) return undefined;
  // The engine hands back the same deeply frozen result while the policy's answer is the same
  // text (src/policy/wasm-abi.ts), so a run of calls to one tool reads its keys once.
  const known = requests.get(raw);
  if (known !== undefined) return known ?? undefined;
  const fields = raw as Record<string, unknown>;
  const { rate, quota } = fields;
  const limits = limitsOf(rate, fields.rate_limits, quota, fields.quota_limits);
  const request: CountRequest = {
    rate: keysOf(rate),
    quota: keysOf(quota),
    ...(limits === undefined ? {} : { limits }),
  };
  // With its limits, a request counting nothing still says the windows do not matter.
  const result =
    request.rate.length + request.quota.length > 0 || limits !== undefined ? request : undefined;
  if (Object.values(fields).every((value) => Object.isFrozen(value)) && Object.isFrozen(raw))
    requests.set(raw, result ?? null);
  return result;
}

/**
 * The limits, deduplicated like the keys (a key named twice keeps its lowest limit); undefined
 * unless both lists are there, as long as their keys and made only of numbers. Without them the
 * shim always passes the windows.
 */
function limitsOf(
  rate: unknown,
  rateLimits: unknown,
  quota: unknown,
  quotaLimits: unknown,
): CountRequest['limits'] {
  const rateList = lowestLimits(rate, rateLimits);
  const quotaList = lowestLimits(quota, quotaLimits);
  return rateList === undefined || quotaList === undefined
    ? undefined
    : { rate: rateList, quota: quotaList };
}

function lowestLimits(keys: unknown, limits: unknown): number[] | undefined {
  const keyList = Array.isArray(keys) ? (keys as unknown[]) : [];
  if (!Array.isArray(limits) || limits.length !== keyList.length) return undefined;
  const lowest = new Map<string, number>();
  for (const [index, key] of keyList.entries()) {
    const limit: unknown = limits[index];
    if (typeof limit !== 'number' || Number.isNaN(limit)) return undefined;
    if (typeof key !== 'string') continue;
    lowest.set(key, Math.min(limit, lowest.get(key) ?? Number.POSITIVE_INFINITY));
  }
  return keysOf(keyList).map((key) => lowest.get(key) ?? 0);
}

/** Count requests by the frozen `obligations.count` they were read from (null: none). */
const requests = new WeakMap<object, CountRequest | null>();

/** The string keys, each once: two rules naming one key count the call once. */
function keysOf(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0) return [];
  return [...new Set(raw.filter((key): key is string => typeof key === 'string'))];
}
