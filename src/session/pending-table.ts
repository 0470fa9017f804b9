import type { JsonRpcId } from '../core/json-rpc.js';

/**
 * A table renews its Map after this many insertions, or after as many as it holds when that is
 * more (so the copy costs at most one insertion per insertion). Small enough that the Map dies
 * before it lives through two scavenges (about 100 messages at V8's smallest young generation).
 */
export const RENEW_AFTER = 64;

/**
 * Requests awaiting an answer, by JSON-RPC id as JSON.parse reads it (a Map tells `1` from `"1"`,
 * and `7`, `7.0` and `7e0` are one number, `"7"` and `"\u0037"` one string), in insertion order.
 *
 * Why renewed: once a Map has lived long enough to reach V8's old generation, every table it
 * grows, shrinks or rehashes into is allocated there too, and each table it leaves behind still
 * holds the requests it held (params and all), keeping them alive through every scavenge until the
 * next full collection. With a request and its answer per message, that was most of what the shim
 * promoted (issue 5: the RSS saw-tooth). A fresh Map every RENEW_AFTER insertions stays young,
 * and so do its tables.
 */
export class PendingTable<V> {
  #entries = new Map<JsonRpcId, V>();
  #insertions = 0;

  /**
   * Adds an entry; false, changing nothing, when the id is already pending. An entry is never
   * replaced: a second message with a pending id would take over the first one's answer.
   */
  add(id: JsonRpcId, value: V): boolean {
    if (this.#entries.has(id)) return false;
    if (++this.#insertions >= Math.max(RENEW_AFTER, this.#entries.size)) {
      this.#entries = new Map(this.#entries);
      this.#insertions = 0;
    }
    this.#entries.set(id, value);
    return true;
  }

  get(id: JsonRpcId): V | undefined {
    return this.#entries.get(id);
  }

  has(id: JsonRpcId): boolean {
    return this.#entries.has(id);
  }

  /** Removes and returns the entry. */
  take(id: JsonRpcId): V | undefined {
    const value = this.#entries.get(id);
    this.#entries.delete(id);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }

  entries(): IterableIterator<[JsonRpcId, V]> {
    return this.#entries.entries();
  }
}
