import type { Logger } from 'pino';
import type { Auditor } from '../audit/auditor.js';
import type { InputContext } from '../input/input-context.js';
import type { PolicyEngine } from '../core/decision.js';
import type { SecretSet } from '../secrets/secret-set.js';
import type { Session } from '../session/session.js';
import type { PinBook } from '../state/pins/pin-book.js';
import type { CallCounters } from '../state/counters/call-counters.js';
import type { PinListing } from './pin-listing.js';

/** Where a pipeline writes whole lines (no trailing newline). Resolves once the sink can take more. */
export interface LineSink {
  send(line: string): Promise<void> | undefined;
}

/** Everything both pipelines share, built once per shim run. */
export interface RelayContext {
  readonly session: Session;
  readonly policy: PolicyEngine;
  readonly auditor: Auditor;
  readonly secrets: SecretSet;
  readonly inputContext: InputContext;
  readonly logger: Logger;
  readonly monitor: boolean;
  /** `--max-frame-bytes-to-server`: frames the client sends. */
  readonly maxFrameBytesToServer: number;
  /** `--max-frame-bytes-to-client`: frames the server sends. */
  readonly maxFrameBytesToClient: number;
  /** `--approval-timeout` in milliseconds (default 120 s): how long a call waits for a human. */
  readonly approvalTimeoutMs?: number;
  readonly toClient: LineSink;
  readonly toServer: LineSink;
  /** `--pins`: this server's tool pins; undefined when pinning is off. */
  readonly pins?: PinBook | undefined;
  /** The shim's own listing a tool call waits for (refresh-catalog); set by startRelay with pins. */
  readonly pinListing?: PinListing | undefined;
  /** How long a call waits for that listing; PIN_LISTING_TIMEOUT_MS when absent (tests shorten it). */
  readonly pinListingTimeoutMs?: number;
  /** Rate-limit and quota counters (docs/rate-limits.md); idle until a decision asks to count. */
  readonly counters: CallCounters;
}
