import { randomUUID } from 'node:crypto';
import { DEFAULT_ENTRYPOINT } from '../config/config.js';
import type { PolicyInput } from '../core/policy-input.js';
import type { Decision, PolicyEngine, PolicyRevision } from '../core/decision.js';
import type { SecretSet } from '../secrets/secret-set.js';
import { applyMask } from './apply-mask.js';
import {
  AUDIT_FORMAT,
  type ApprovalRecord,
  type AuditAction,
  type AuditLabels,
  type PolicyStamp,
  type SessionEnd,
} from './audit-record.js';
import { ChainWriter } from './chain-writer.js';
import { type ChainPosition, decisionLine, decisionPrefix, recordLine } from './record-text.js';

export type { AuditAction, SessionEnd } from './audit-record.js';

export interface AuditEvent {
  readonly input: PolicyInput;
  readonly decision: Decision;
  readonly action: AuditAction;
  readonly evalMicros: number;
}

/** A frame that never became a policy input: malformed JSON, oversize, duplicate keys, child crash. */
export interface FaultEvent {
  readonly direction: 'to_server' | 'to_client';
  /** e.g. `parse_error`, `oversize_frame`, `duplicate_key`, `child_exit`. */
  readonly fault: string;
  readonly detail: string;
  readonly action: AuditAction;
}

/** An approval record's own fields (docs/approval.md); the chain, id and labels are added. */
export type ApprovalEvent = Omit<
  ApprovalRecord,
  'type' | 'timestamp' | 'seq' | 'prev_hash' | 'decision_id' | 'labels'
>;

/** A tool checked against its pin (see PinRecord). */
export interface PinEvent {
  readonly tool: string;
  readonly status: 'new' | 'pinned' | 'changed';
  readonly changed?: readonly string[] | undefined;
  readonly file: string;
}

export interface Auditor {
  /**
   * Written and handed to the OS before it returns, unless records are held (`holdRecords()`):
   * then at the next `flushRecords()`. Throws when the record cannot be written (I/O error, or
   * after `close()`): the caller must then not forward the message.
   */
  record(event: AuditEvent): void;
  /**
   * Never throws, so it is safe in error paths: a fault that cannot be written (or comes after
   * `close()`) is counted as `unwritten` in the end record instead.
   */
  fault(event: FaultEvent): void;
  /**
   * Who was asked to approve a call, what they answered and when. Throws like `record()` when it
   * cannot be written: the caller must then not forward the call.
   */
  approval(event: ApprovalEvent): void;
  /** A `pin` record; like `fault`, never throws. */
  pin(event: PinEvent): void;
  /**
   * Group commit: from now on records of every kind wait in memory, chained in order, until
   * `flushRecords()` writes them in one `write(2)`. `record()` and `approval()` then return before
   * their record is written: the caller must flush before anything they cover moves.
   */
  holdRecords(): void;
  /**
   * Writes the held records in one `write(2)` (nothing when none is held), and keeps holding.
   * When that fails the held records are dropped (the chain goes on from the last record written)
   * and, if a decision or approval was among them, it throws: the messages they cover must not
   * move. Faults and pins lost that way are counted as `unwritten`.
   */
  flushRecords(): void;
  /** Flushes (throws like `flushRecords()`) and writes each record at once again. */
  releaseRecords(): void;
  /** Writes the closing `end` record, with how the session ended when the caller knows. Idempotent. */
  close(ending?: SessionEnd): void;
}

export interface AuditorOptions {
  readonly file: string | undefined;
  readonly stderr: boolean;
  readonly policy: PolicyEngine;
  readonly secrets: SecretSet;
  readonly labels: AuditLabels;
  /** OPA's `path` in each record; defaults to `mcp/decision`. */
  readonly entrypoint?: string;
  /** Sees each decision after it is written (masked, not dropped): the decision-log uploader. */
  readonly sink?: DecisionSink;
  /** Start-up warnings (a replacement policy that drops protections…), kept on the start record. */
  readonly warnings?: readonly string[];
}

/** Must not block; an exception is ignored, so it can never stop a message or a record. */
export type DecisionSink = (decision: {
  readonly decisionId: string;
  readonly path: string;
  readonly action: AuditAction;
  readonly input: unknown;
  readonly result: unknown;
  readonly erased?: string[];
  readonly masked?: string[];
  readonly evalNanos: number;
  readonly bundleRevision?: string;
}) => void;

/** Fault details can quote a frame; keep records small. */
const MAX_DETAIL = 1024;

const NOOP_AUDITOR: Auditor = Object.freeze({
  record() {},
  fault() {},
  approval() {},
  pin() {},
  holdRecords() {},
  flushRecords() {},
  releaseRecords() {},
  close() {},
});

export function createAuditor(opts: AuditorOptions): Auditor {
  if (opts.file === undefined && !opts.stderr && opts.sink === undefined) return NOOP_AUDITOR;
  const writer = new ChainWriter(opts.file, opts.stderr, opts.secrets);
  const { policy, labels } = opts;
  const path = opts.entrypoint ?? DEFAULT_ENTRYPOINT;
  const chain = (): ChainPosition => ({ seq: writer.nextSeq, prev_hash: writer.prevHash });
  let stampedRevision = policy.revision;
  // Fields shared by every decision are serialised once per policy revision.
  let prefix = decisionPrefix(path, labels, policyStamp(stampedRevision));
  let records = 0;
  let dropped = 0;
  let unwritten = 0;
  let closed = false;
  /** Records held and not written yet: those a message waits for (decisions, approvals), and the rest. */
  let heldCovering = 0;
  let heldOther = 0;
  let holding = false;

  /** Appends a record; `covering` when a message moves only after it is written. */
  const append = (line: string, covering: boolean): void => {
    writer.append(line);
    records += 1;
    if (!holding) return;
    if (covering) heldCovering += 1;
    else heldOther += 1;
  };

  const flush = (): void => {
    const covering = heldCovering;
    const other = heldOther;
    heldCovering = 0;
    heldOther = 0;
    try {
      writer.flush();
    } catch (error) {
      records -= covering + other;
      unwritten += other;
      if (covering > 0) throw auditWriteError(opts.file, error);
    }
  };

  const ensureOpen = (): void => {
    if (closed) throw new Error('The audit log is closed; no record can be added after `close()`.');
  };

  // A previous session that did not end cleanly (crash, torn write or truncation) stays visible
  // to `verify`: its last line is not an end record, or not a record at all.
  const unclean = writer.resumed && writer.previousType !== 'end';
  try {
    writer.append(
      recordLine('start', chain(), {
        format: AUDIT_FORMAT,
        labels,
        policy: { ...policyStamp(stampedRevision), source: stampedRevision.source },
        pid: process.pid,
        ...(unclean ? { after_unclean_end: true } : {}),
        ...(opts.warnings !== undefined && opts.warnings.length > 0
          ? { warnings: opts.warnings }
          : {}),
      }),
    );
  } catch (error) {
    writer.close();
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `Cannot write to \`--audit-log\` file \`${opts.file ?? 'stderr'}\` (${code}). Choose a file on a writable file system with free space.`,
      { cause: error },
    );
  }

  return {
    record(event) {
      ensureOpen();
      // A denial is always recorded, whatever system.log.drop says.
      if (event.decision.allow && policy.shouldDrop(event.input)) {
        dropped += 1;
        return;
      }
      if (policy.revision !== stampedRevision) {
        stampedRevision = policy.revision;
        prefix = decisionPrefix(path, labels, policyStamp(stampedRevision));
      }
      const rules = policy.maskRules(event.input);
      let input: unknown = event.input;
      let result: unknown = event.decision;
      let mask: { erased?: string[]; masked?: string[] } = {};
      if (rules.length > 0) {
        const copy = structuredClone({ input, result });
        const outcome = applyMask(copy, rules);
        ({ input, result } = copy);
        mask = {
          ...(outcome.erased.length > 0 ? { erased: outcome.erased } : {}),
          ...(outcome.masked.length > 0 ? { masked: outcome.masked } : {}),
        };
      }
      const fields = {
        decisionId: randomUUID(),
        action: event.action,
        input,
        result,
        ...mask,
        evalNanos: Math.round(event.evalMicros * 1000),
      };
      append(decisionLine(prefix, chain(), fields), true);
      try {
        const revision = stampedRevision.bundleRevision;
        opts.sink?.({
          ...fields,
          path,
          ...(revision === undefined ? {} : { bundleRevision: revision }),
        });
      } catch {
        // The local record is written; an upload problem never stops the relay.
      }
    },
    fault(event) {
      if (closed) return;
      const detail =
        event.detail.length > MAX_DETAIL ? `${event.detail.slice(0, MAX_DETAIL)}…` : event.detail;
      try {
        append(
          recordLine('fault', chain(), {
            decision_id: randomUUID(),
            direction: event.direction,
            fault: event.fault,
            detail,
            action: event.action,
            labels,
          }),
          false,
        );
      } catch {
        unwritten += 1;
      }
    },
    approval(event) {
      ensureOpen();
      append(
        recordLine('approval', chain(), {
          decision_id: randomUUID(),
          ...event,
          detail:
            event.detail.length > MAX_DETAIL
              ? `${event.detail.slice(0, MAX_DETAIL)}…`
              : event.detail,
          labels,
        }),
        true,
      );
    },
    pin(event) {
      if (closed) return;
      try {
        append(
          recordLine('pin', chain(), {
            tool: event.tool,
            status: event.status,
            changed: event.changed,
            file: event.file,
            labels,
          }),
          false,
        );
      } catch {
        unwritten += 1;
      }
    },
    holdRecords() {
      if (closed) return;
      holding = true;
      writer.hold();
    },
    flushRecords() {
      flush();
    },
    releaseRecords() {
      holding = false;
      try {
        flush();
      } finally {
        writer.release();
      }
    },
    close(ending) {
      if (closed) return;
      closed = true;
      try {
        // Held records go first, in the same write as the end record.
        writer.append(
          recordLine('end', chain(), {
            records,
            dropped,
            ...(unwritten > 0 ? { unwritten } : {}),
            ...(ending === undefined ? {} : { session_end: ending }),
          }),
        );
      } finally {
        writer.close();
      }
    },
  };
}

/** A held record could not be written: the same cause and fix as a record written at once. */
function auditWriteError(file: string | undefined, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  return new Error(
    `Cannot write to \`--audit-log\` file \`${file ?? 'stderr'}\` (${code}); the messages these records cover were not forwarded. Free space on its file system or choose another file.`,
    { cause: error },
  );
}

function policyStamp(revision: PolicyRevision): PolicyStamp {
  return revision.bundleRevision === undefined
    ? { sha256: revision.sha256 }
    : { sha256: revision.sha256, revision: revision.bundleRevision };
}
