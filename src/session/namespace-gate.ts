/**
 * What a client request may do to the file namespace the shim judges paths against:
 * `write` can change it (a barrier), `read` only resolves paths in it, `listen` resolves paths
 * but stays open for the whole session (a subscription: it waits for barriers but holds none
 * back, or no barrier could ever pass), `none` carries no path.
 */
export type NamespaceAccess = 'none' | 'read' | 'listen' | 'write';

/**
 * A readers-writer count of forwarded requests that touch the file namespace.
 *
 * Why: a path is judged against the tree as it is when the shim judges it; the server acts on
 * it later. A request that can change the tree (a barrier) therefore waits until every earlier
 * path-bearing request has completed, and a path-bearing request waits until every earlier
 * barrier has completed, so what the shim judged is what the server acts on. Reads run
 * alongside reads: a pipeline of reads is never slowed.
 */
export class NamespaceGate {
  #reads = 0;
  #writes = 0;
  #listener: (() => void) | undefined;

  /** True when a request with this access may be judged and forwarded now. */
  admits(access: NamespaceAccess): boolean {
    if (access === 'write') return this.#reads === 0 && this.#writes === 0;
    if (access === 'read' || access === 'listen') return this.#writes === 0;
    return true;
  }

  /** A request with this access was forwarded. */
  enter(access: NamespaceAccess): void {
    if (access === 'write') this.#writes++;
    else if (access === 'read') this.#reads++;
  }

  /** A forwarded request completed (answered, or the server is gone). */
  leave(access: NamespaceAccess): void {
    if (access === 'none' || access === 'listen') return;
    if (access === 'write') this.#writes = Math.max(0, this.#writes - 1);
    else this.#reads = Math.max(0, this.#reads - 1);
    this.#listener?.();
  }

  /** Nothing in flight any more (the server died): every hold is released. */
  reset(): void {
    this.#reads = 0;
    this.#writes = 0;
    this.#listener?.();
  }

  /** Called (synchronously) whenever a request leaves the gate: a held request may now pass. */
  onLeave(listener: () => void): void {
    this.#listener = listener;
  }

  get inFlight(): { readonly reads: number; readonly writes: number } {
    return { reads: this.#reads, writes: this.#writes };
  }
}
