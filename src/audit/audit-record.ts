import type { PolicyInput } from '../core/policy-input.js';
import type { Decision } from '../core/decision.js';

/**
 * The audit log format, one JSON object per line. Decision records follow OPA's decision-log
 * event shape (decision_id, path, input, result, erased/masked, labels, metrics) so existing OPA
 * log pipelines can take them; `type`, `seq` and `prev_hash` make the file a hash chain.
 * Documented in docs/audit.md.
 */

export const AUDIT_FORMAT = 1;

export type AuditAction =
  'forwarded' | 'denied' | 'filtered' | 'redacted' | 'dropped' | 'monitored';

export interface AuditLabels {
  readonly server_id: string;
  readonly principal: string;
  readonly version: string;
}

export interface PolicyStamp {
  readonly sha256: string;
  readonly revision?: string;
}

interface ChainFields {
  readonly timestamp: string;
  readonly seq: number;
  /** sha256 (hex) of the previous line's exact bytes (without its newline); null for the first. */
  readonly prev_hash: string | null;
}

export interface StartRecord extends ChainFields {
  readonly type: 'start';
  readonly format: typeof AUDIT_FORMAT;
  readonly labels: AuditLabels;
  readonly policy: PolicyStamp & { readonly source: string };
  readonly pid: number;
  /** Start-up warnings, as printed on stderr (absent when there were none). */
  readonly warnings?: readonly string[];
}

export interface DecisionRecord extends ChainFields {
  readonly type: 'decision';
  readonly decision_id: string;
  /** The entrypoint, as OPA's `path`. */
  readonly path: string;
  readonly action: AuditAction;
  /** Masked by `system.log.mask`; null when erased whole. */
  readonly input: PolicyInput | null;
  readonly result: Decision | null;
  readonly erased?: readonly string[];
  readonly masked?: readonly string[];
  readonly labels: AuditLabels;
  readonly policy: PolicyStamp;
  readonly metrics: { readonly timer_rego_query_eval_ns: number };
}

export interface FaultRecord extends ChainFields {
  readonly type: 'fault';
  readonly decision_id: string;
  readonly direction: 'to_server' | 'to_client';
  readonly fault: string;
  readonly detail: string;
  readonly action: AuditAction;
  readonly labels: AuditLabels;
}

/** What became of one approval the shim sought (docs/approval.md). */
export type ApprovalAnswer =
  | 'approve_once'
  | 'approve_session'
  | 'deny'
  | 'decline'
  | 'cancel'
  | 'timeout'
  | 'no_capability'
  | 'error';

/**
 * One approval the shim asked a human for (through the client), with who was asked, what they
 * answered and when: its own record, next to the decision records of the call it was for.
 */
export interface ApprovalRecord extends ChainFields {
  readonly type: 'approval';
  readonly decision_id: string;
  readonly tool: string;
  /** The client's id for the held `tools/call`. */
  readonly request_id: string | number;
  /** Who was asked: the principal, through this client, by this channel and shim request id or key. */
  readonly asked: {
    readonly principal: string;
    readonly client?: Readonly<Record<string, unknown>>;
    readonly via: 'elicitation/create' | 'input_required' | 'none';
    readonly id?: string;
    readonly at: string;
  };
  readonly answer: ApprovalAnswer;
  readonly granted: boolean;
  readonly scope?: 'once' | 'session';
  /** The policy's public reason for asking, then why it was denied when it was. */
  readonly detail: string;
  readonly answered_at: string;
  readonly labels: AuditLabels;
}

/**
 * A tool's definition checked against its pin (docs/pinning.md): written when a listing first
 * pins it, and when a definition not pinned (new) or different from its pin (changed) is first seen.
 */
export interface PinRecord extends ChainFields {
  readonly type: 'pin';
  readonly tool: string;
  readonly status: 'new' | 'pinned' | 'changed';
  /** For `changed`: the parts of the definition that differ from the pin. */
  readonly changed?: readonly string[];
  /** The pin file. */
  readonly file: string;
  readonly labels: AuditLabels;
}

/** How a shim session ended; see describeSessionEnding in src/child/session-ending.ts. */
export interface SessionEnd {
  /** `clean`: the client was done and the server stopped when asked. `fault` is also a fault record. */
  readonly kind: 'clean' | 'signalled' | 'fault';
  readonly detail: string;
  /** The shim's own exit code. */
  readonly exit_code: number;
}

export interface EndRecord extends ChainFields {
  readonly type: 'end';
  /** Absent in logs written before it was recorded, and when the shim could not tell. */
  readonly session_end?: SessionEnd;
  /** Records written in this session, start and end excluded. */
  readonly records: number;
  /** Decisions not written because `system.log.drop` said so. */
  readonly dropped: number;
  /** Fault records that could not be written (I/O error). */
  readonly unwritten?: number;
}

export type AuditRecord =
  StartRecord | DecisionRecord | FaultRecord | ApprovalRecord | PinRecord | EndRecord;
