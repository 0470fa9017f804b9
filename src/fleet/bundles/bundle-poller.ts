import type { PolicyEngine } from '../../core/decision.js';
import type { ServiceClient } from '../http/service-client.js';
import { loadBundleEngine, type BundleSource } from './activate-bundle.js';
import type { BundleEvent, BundleStatus } from './bundle-status.js';
import { persistBundle, readPersistedBundle } from './bundle-state.js';

/** OPA answers a long poll with this content type; anything else means the server does not long-poll. */
const LONG_POLL_TYPE = 'application/vnd.openpolicyagent.bundles';
/** First retry after a failed download; doubles up to `max_delay_seconds`. */
const FIRST_RETRY_MS = 500;

export interface BundlePollerOptions {
  readonly client: ServiceClient;
  readonly source: BundleSource;
  /** Set when `persist: true`: the last good bundle is saved there and read at start-up. */
  readonly persistDir?: string;
  /** Called with each newly activated engine; the caller swaps it in. */
  readonly activate: (engine: PolicyEngine) => void;
  readonly onEvent: (event: BundleEvent) => void;
}

/**
 * Downloads one bundle as OPA does: `If-None-Match` with the last ETag (304 keeps the active
 * bundle), `Prefer: modes=snapshot;wait=<s>` when long polling is configured (no pause between
 * requests while the server answers as a long-polling one; once it answers as a plain server,
 * no `wait` any more), otherwise a uniform random pause between the
 * minimum and maximum delay; after a failure, retries back off from 0.5 s to the maximum delay.
 * A bundle that cannot be activated keeps the last good one in force.
 */
export class BundlePoller {
  private etag: string | undefined;
  private state: BundleStatus;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private failures = 0;
  /** Until a response says otherwise, a server is taken to long-poll when it is configured. */
  private longPolling: boolean;
  private readonly activated: Promise<void>;
  private markActivated: () => void = () => undefined;

  constructor(private readonly options: BundlePollerOptions) {
    this.state = { name: options.source.bundle.name };
    this.longPolling = options.source.bundle.polling.longPollingTimeoutSeconds !== undefined;
    this.activated = new Promise((resolve) => {
      this.markActivated = resolve;
    });
  }

  /** The bundle's state now (for status reports). */
  get status(): BundleStatus {
    return this.state;
  }

  /** Resolves once a bundle (downloaded or persisted) is active; never rejects. */
  get firstActivation(): Promise<void> {
    return this.activated;
  }

  /** Activates the persisted bundle, if any and if still valid. Resolves true when it did. */
  async loadPersisted(): Promise<boolean> {
    if (this.options.persistDir === undefined) return false;
    const saved = await readPersistedBundle(this.options.persistDir);
    if (saved === undefined) return false;
    try {
      const engine = await loadBundleEngine(saved.bytes, this.options.source);
      this.etag = saved.etag;
      this.activate(engine, 'disk');
      return true;
    } catch (thrown) {
      this.fail(
        'activation',
        `the persisted bundle in ${this.options.persistDir} was refused: ${text(thrown)}`,
      );
      return false;
    }
  }

  /** Polls until stop(). */
  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
  }

  /** One request and its outcome; exposed for tests. */
  async pollOnce(): Promise<BundleEvent['kind']> {
    const { client, source } = this.options;
    const long = source.bundle.polling.longPollingTimeoutSeconds;
    const headers: Record<string, string> = {};
    if (this.etag !== undefined) headers['If-None-Match'] = this.etag;
    // As OPA: snapshot bundles (the shim reads no delta bundles), and `wait` only while the
    // server has not shown it does not long-poll.
    headers['Prefer'] =
      long !== undefined && this.longPolling
        ? `modes=snapshot;wait=${String(long)}`
        : 'modes=snapshot';
    const now = new Date().toISOString();
    this.state = { ...this.state, lastRequest: now };
    let response;
    try {
      response = await client.request({
        method: 'GET',
        resource: source.bundle.resource,
        headers,
        timeoutMs:
          ((this.longPolling ? (long ?? 0) : 0) + client.service.responseHeaderTimeoutSeconds) *
          1000,
      });
    } catch (thrown) {
      return this.fail('download', `request to ${source.url} failed: ${text(thrown)}`);
    }
    const contentType = response.headers['content-type'] ?? '';
    this.longPolling = long !== undefined && contentType.startsWith(LONG_POLL_TYPE);
    if (response.status === 304) {
      this.state = withoutError({ ...this.state, lastSuccessfulRequest: now, httpCode: 304 });
      this.failures = 0;
      this.options.onEvent({ kind: 'not_modified', bundle: source.bundle.name });
      return 'not_modified';
    }
    if (response.status !== 200)
      return this.fail(
        'download',
        `server replied with HTTP ${String(response.status)}`,
        response.status,
      );
    this.state = {
      ...this.state,
      lastSuccessfulRequest: now,
      lastSuccessfulDownload: now,
      httpCode: 200,
    };
    let engine: PolicyEngine;
    try {
      engine = await loadBundleEngine(response.body, source);
    } catch (thrown) {
      return this.fail(
        'activation',
        `bundle refused, keeping the last good one: ${text(thrown)}`,
        200,
      );
    }
    if (this.stopped) {
      engine.close();
      return 'activated';
    }
    const etag = response.headers.etag;
    this.etag = typeof etag === 'string' && etag !== '' ? etag : undefined;
    this.activate(engine, 'server');
    if (this.options.persistDir !== undefined) {
      try {
        await persistBundle(this.options.persistDir, response.body, this.etag);
      } catch (thrown) {
        // The bundle is active; only the offline copy is stale. Said in the status message.
        this.state = { ...this.state, message: `could not persist the bundle: ${text(thrown)}` };
      }
    }
    return 'activated';
  }

  private activate(engine: PolicyEngine, from: 'server' | 'disk'): void {
    this.options.activate(engine);
    this.failures = 0;
    this.state = withoutError({
      ...this.state,
      activeRevision: engine.revision.bundleRevision ?? '',
      policyRevision: engine.revision,
      ...(this.etag === undefined ? {} : { etag: this.etag }),
      lastSuccessfulActivation: new Date().toISOString(),
    });
    this.options.onEvent({
      kind: 'activated',
      bundle: this.options.source.bundle.name,
      from,
      revision: engine.revision,
    });
    this.markActivated();
  }

  private fail(stage: 'download' | 'activation', error: string, httpCode?: number): 'failed' {
    this.failures += 1;
    this.state = {
      ...this.state,
      code: 'bundle_error',
      message: error,
      errors: [error],
      ...(httpCode === undefined ? {} : { httpCode }),
    };
    this.options.onEvent({
      kind: 'failed',
      bundle: this.options.source.bundle.name,
      stage,
      error,
      ...(httpCode === undefined ? {} : { httpCode }),
    });
    return 'failed';
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const outcome = await this.pollOnce();
      await this.sleep(this.nextDelayMs(outcome));
    }
  }

  private nextDelayMs(outcome: BundleEvent['kind']): number {
    const { minDelaySeconds, maxDelaySeconds } = this.options.source.bundle.polling;
    if (outcome === 'failed') {
      const backoff = Math.min(FIRST_RETRY_MS * 2 ** (this.failures - 1), maxDelaySeconds * 1000);
      return backoff / 2 + (Math.random() * backoff) / 2;
    }
    if (this.longPolling) return 0;
    return (minDelaySeconds + Math.random() * (maxDelaySeconds - minDelaySeconds)) * 1000;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) {
        resolve();
        return;
      }
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }
}

function withoutError(status: BundleStatus): BundleStatus {
  const rest: Partial<Record<keyof BundleStatus, unknown>> = { ...status };
  delete rest.code;
  delete rest.message;
  delete rest.errors;
  return rest as BundleStatus;
}

function text(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}
