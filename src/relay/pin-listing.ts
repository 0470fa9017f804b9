/** How long a tool call waits for the shim's own listing before it is denied (docs/pinning.md). */
export const PIN_LISTING_TIMEOUT_MS = 10_000;

type ListingState = 'idle' | 'listing' | 'complete' | 'failed';

/**
 * Tool calls are judged with their pin (docs/pinning.md): a call for a tool this session has not
 * seen listed, made before any complete `tools/list`, waits in the client lane while the shim
 * lists the server's tools itself. Once a complete listing was checked (the client's or the
 * shim's), a tool is judged by what it showed; if the shim's listing fails or times out, the
 * calls that waited for it are denied (refuseUncheckedTool in check-pins), and the next such call tries
 * again.
 */
export class PinListing {
  #state: ListingState = 'idle';
  #failure = '';
  #failureDetail = '';
  #timer: NodeJS.Timeout | undefined;
  #listener: (() => void) | undefined;
  readonly #timeoutMs: number;

  constructor(timeoutMs = PIN_LISTING_TIMEOUT_MS) {
    this.#timeoutMs = timeoutMs;
  }

  /** Called when the shim's listing ended (complete or failed): calls that waited may go on. */
  onSettled(listener: () => void): void {
    this.#listener = listener;
  }

  /** True when a call for a tool not in the catalog must wait for a listing. */
  get needed(): boolean {
    return this.#state !== 'complete';
  }

  /** True while the shim's own listing is under way: a call that waits for it is not judged. */
  get listing(): boolean {
    return this.#state === 'listing';
  }

  get complete(): boolean {
    return this.#state === 'complete';
  }

  /** Why the shim's last listing failed; undefined when none failed since the last complete one. */
  get failure(): string | undefined {
    return this.#state === 'failed' ? this.#failure : undefined;
  }

  /**
   * Starts the shim's own listing unless one is under way or done: returns `request()` (its first
   * request, catalogRefreshRequest), to send to the server, or undefined when there is none.
   */
  start(request: () => string): string | undefined {
    if (this.#state === 'listing' || this.#state === 'complete') return undefined;
    this.#state = 'listing';
    const seconds = String(this.#timeoutMs / 1000);
    this.#timer = setTimeout(() => {
      this.failed(`the server did not answer it within ${seconds} s`);
    }, this.#timeoutMs);
    this.#timer.unref();
    return request();
  }

  /** A complete tools listing was checked against the pins. */
  listed(): void {
    const waiting = this.#state === 'listing';
    this.#state = 'complete';
    this.#stopTimer();
    if (waiting) this.#listener?.();
  }

  /** With the server's own words, for the audit; `failure` otherwise. */
  get failureDetail(): string | undefined {
    return this.#state === 'failed' ? this.#failureDetail : undefined;
  }

  /**
   * The shim's own listing failed (`reason`, shown to the client; `detail`, audited); only a
   * listing a call waits for can fail.
   */
  failed(reason: string, detail = reason): void {
    if (this.#state !== 'listing') return;
    this.#state = 'failed';
    this.#failure = reason;
    this.#failureDetail = detail;
    this.#stopTimer();
    this.#listener?.();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
