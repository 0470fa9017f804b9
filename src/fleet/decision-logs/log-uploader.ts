import { gzipSync } from 'node:zlib';
import type { SecretSet } from '../../secrets/secret-set.js';
import type { DecisionLogEvent } from './decision-event.js';
import { EventBuffer, type BufferLimit } from './event-buffer.js';
import type { ServiceTransport } from './service-transport.js';

/**
 * Uploads decision-log events the way OPA's decision-log plugin does: events are buffered, then
 * POSTed as gzipped JSON arrays (`Content-Encoding: gzip`) of at most `uploadSizeLimitBytes`
 * compressed bytes. After a successful round it waits a random delay between the reporting
 * min and max delays; after a failure it retries with exponential backoff (100 ms doubling,
 * ±10% jitter) capped at the max delay. It never blocks the relay: `log` only buffers.
 */
export interface LogUploaderOptions {
  /** No transport: console only (OPA's `decision_logs.console` without a service). */
  readonly transport?: ServiceTransport;
  /** `decision_logs.resource`; OPA's default is `/logs`. */
  readonly resource: string;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
  readonly bufferLimit: BufferLimit;
  readonly uploadSizeLimitBytes: number;
  /** `decision_logs.console: true`: each event is also written here (stderr, never stdout). */
  readonly console?: NodeJS.WritableStream;
  readonly secrets: SecretSet;
  /** Called after every upload attempt, for status reports. */
  readonly onUploadResult?: (result: UploadResult) => void;
  readonly random?: () => number;
}

export type UploadResult =
  { readonly ok: true } | { readonly ok: false; readonly error: UploadError };

export interface UploadError {
  /** OPA's status codes: `decision_logs_upload_error` (network) or `…_http_error`. */
  readonly code: string;
  readonly message: string;
  readonly http_code?: number;
}

export interface UploaderCounters {
  readonly backlog: number;
  readonly backlogBytes: number;
  readonly uploadedEvents: number;
  readonly uploadedChunks: number;
  readonly failedUploads: number;
  /** Dropped because the buffer was full (oldest first). */
  readonly droppedBufferFull: number;
  /** Dropped because one event alone is larger than `upload_size_limit_bytes`. */
  readonly droppedTooLarge: number;
  readonly lastUpload?: string;
  readonly lastError?: UploadError;
}

export interface LogUploader {
  log(event: DecisionLogEvent): void;
  counters(): UploaderCounters;
  /** Uploads what is buffered now (used at exit and by tests); resolves with the outcome. */
  flush(): Promise<UploadResult>;
  /** Stops the timer and makes one last attempt within `graceMs`; never rejects. */
  close(graceMs: number): Promise<void>;
}

const MIN_RETRY_DELAY_MS = 100;
/** Most events per chunk before compressing; chunks are split further when too large. */
const MAX_EVENTS_PER_CHUNK = 10_000;
/** Decision events are repetitive JSON; gzip shrinks them about 5-10 times. */
const ASSUMED_COMPRESSION_RATIO = 10;

export function createLogUploader(options: LogUploaderOptions): LogUploader {
  const buffer = new EventBuffer(options.bufferLimit);
  const random = options.random ?? Math.random;
  let uploadedEvents = 0;
  let uploadedChunks = 0;
  let failedUploads = 0;
  let droppedTooLarge = 0;
  let lastUpload: string | undefined;
  let lastError: UploadError | undefined;
  let retries = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<UploadResult> | undefined;
  let closed = false;

  const serialise = (event: DecisionLogEvent): string => {
    const json = JSON.stringify(event);
    // The policy input never holds a secret; this is the last line of defence before the wire.
    return options.secrets.size === 0 ? json : options.secrets.scrubJson(json);
  };

  const uploadAll = async (transport: ServiceTransport): Promise<UploadResult> => {
    // As OPA: a round uploads what was buffered when it began; later events wait for the next.
    let remaining = buffer.length;
    while (remaining > 0 && buffer.length > 0) {
      const chunk = takeChunk(remaining);
      if (chunk === undefined) {
        remaining -= 1;
        continue;
      }
      remaining -= chunk.count;
      let error: UploadError | undefined;
      try {
        const status = await transport.post(options.resource, chunk.body, {
          'Content-Type': 'application/json',
          'Content-Encoding': 'gzip',
        });
        if (status < 200 || status >= 300) {
          error = {
            code: 'decision_logs_http_error',
            message: `log upload failed, server replied with HTTP ${String(status)}`,
            http_code: status,
          };
        }
      } catch (cause) {
        error = {
          code: 'decision_logs_upload_error',
          message: `log upload failed: ${cause instanceof Error ? describe(cause) : String(cause)}`,
        };
      }
      buffer.settle(error === undefined, chunk.count);
      if (error !== undefined) {
        failedUploads += 1;
        lastError = error;
        return { ok: false, error };
      }
      uploadedEvents += chunk.count;
      uploadedChunks += 1;
      lastUpload = new Date().toISOString();
      lastError = undefined;
    }
    return { ok: true };
  };

  /** The largest prefix of the buffer whose gzipped array fits the upload size limit. */
  const takeChunk = (max: number): { body: Buffer; count: number } | undefined => {
    // Start from what would fit at a generous compression ratio, so a long backlog is not
    // compressed whole on the relay's thread just to be halved.
    const guess = buffer.countWithin(
      options.uploadSizeLimitBytes * ASSUMED_COMPRESSION_RATIO,
      Math.min(max, MAX_EVENTS_PER_CHUNK),
    );
    let events = buffer.take(guess);
    for (;;) {
      const body = gzipSync(`[${events.map((event) => event.json).join(',')}]`);
      if (body.length <= options.uploadSizeLimitBytes) return { body, count: events.length };
      if (events.length === 1) {
        // As OPA: an event that cannot fit any upload is dropped, and counted.
        buffer.settle(true, 1);
        droppedTooLarge += 1;
        return undefined;
      }
      const keep = Math.ceil(events.length / 2);
      buffer.settle(false);
      events = buffer.take(keep);
    }
  };

  const runOnce = (): Promise<UploadResult> => {
    const transport = options.transport;
    if (transport === undefined) return Promise.resolve({ ok: true });
    running ??= uploadAll(transport).then((result) => {
      running = undefined;
      options.onUploadResult?.(result);
      return result;
    });
    return running;
  };

  const schedule = (ok: boolean): void => {
    if (closed || options.transport === undefined) return;
    const delay = ok
      ? options.minDelayMs + (options.maxDelayMs - options.minDelayMs) * random()
      : backoff(retries, options.maxDelayMs, random);
    timer = setTimeout(() => {
      void runOnce().then((result) => {
        retries = result.ok ? 0 : retries + 1;
        schedule(result.ok);
      });
    }, delay);
    // Pending uploads never keep the shim alive; `close` makes the last attempt.
    timer.unref();
  };
  schedule(true);

  return {
    log(event) {
      const json = serialise(event);
      if (options.console !== undefined) {
        options.console.write(`${consoleLine(json)}\n`);
      }
      if (options.transport !== undefined) buffer.push(json);
    },
    counters: () => ({
      backlog: buffer.backlog,
      backlogBytes: buffer.backlogBytes,
      uploadedEvents,
      uploadedChunks,
      failedUploads,
      droppedBufferFull: buffer.dropped,
      droppedTooLarge,
      ...(lastUpload === undefined ? {} : { lastUpload }),
      ...(lastError === undefined ? {} : { lastError }),
    }),
    flush: runOnce,
    async close(graceMs) {
      closed = true;
      clearTimeout(timer);
      if (options.transport === undefined || buffer.backlog === 0) return;
      let timeout: NodeJS.Timeout | undefined;
      await Promise.race([
        runOnce().then(async (result) => (result.ok && buffer.length > 0 ? runOnce() : result)),
        new Promise((resolve) => (timeout = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timeout);
    },
  };
}

/** OPA's util.DefaultBackoff: 100 ms × 2^retries, ±10% jitter, capped at the max delay. */
export function backoff(
  retries: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(MIN_RETRY_DELAY_MS * 2 ** retries, maxMs);
  const jittered = base * (1 + 0.1 * (2 * random() - 1));
  return Math.min(Math.max(jittered, 0), maxMs);
}

/** OPA's console logger line: the event's fields plus level, msg, time and type. */
function consoleLine(eventJson: string): string {
  const extra = `"level":"info","msg":"Decision Log","time":${JSON.stringify(new Date().toISOString())},"type":"openpolicyagent.org/decision_logs"`;
  return eventJson === '{}' ? `{${extra}}` : `{${extra},${eventJson.slice(1)}`;
}

function describe(error: Error): string {
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
