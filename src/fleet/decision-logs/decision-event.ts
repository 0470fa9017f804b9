import type { AuditAction } from '../../audit/audit-record.js';
import type { DecisionFields } from '../../audit/record-text.js';

/**
 * One decision as OPA's decision-log plugin uploads it (its `EventV1`), in OPA's field order.
 * `action` is the shim's own addition: what happened to the message (forwarded, denied, …),
 * which the policy result alone does not say (monitor mode, redaction). Everything else has
 * OPA's name and meaning; see docs/fleet-logs.md.
 */
export interface DecisionLogEvent {
  readonly labels: Readonly<Record<string, string>>;
  readonly decision_id: string;
  /** Active bundles by name, when the policy came from one with a revision. */
  readonly bundles?: Readonly<Record<string, { readonly revision: string }>>;
  readonly path: string;
  /** The policy input after `system.log.mask`; `null` when masking erased it whole. */
  readonly input: unknown;
  readonly result: unknown;
  readonly erased?: readonly string[];
  readonly masked?: readonly string[];
  /** OPA puts the HTTP client's address here; a stdio shim has one requester: `stdio`. */
  readonly requested_by: string;
  readonly timestamp: string;
  readonly metrics: { readonly timer_rego_query_eval_ns: number };
  /** A per-process counter of logged decisions, as OPA's per-server request counter. */
  readonly req_id: number;
  readonly action: AuditAction;
}

/** What the auditor knows about a decision it has just written (masked already). */
export interface LoggedDecision extends DecisionFields {
  readonly path: string;
  /** The `.manifest` revision of the bundle the decision came from, if any. */
  readonly bundleRevision?: string;
}

export interface EventContext {
  /** Config `labels` plus `id` and `version`, as OPA's. */
  readonly labels: Readonly<Record<string, string>>;
  /** The configured bundle's name, for `bundles: {<name>: {revision}}`. */
  readonly bundleName?: string;
  readonly now?: () => Date;
}

export function toDecisionLogEvent(
  decision: LoggedDecision,
  context: EventContext,
  reqId: number,
): DecisionLogEvent {
  const bundles =
    context.bundleName !== undefined && decision.bundleRevision !== undefined
      ? { [context.bundleName]: { revision: decision.bundleRevision } }
      : undefined;
  return {
    labels: context.labels,
    decision_id: decision.decisionId,
    ...(bundles === undefined ? {} : { bundles }),
    path: decision.path,
    input: decision.input ?? null,
    result: decision.result ?? null,
    ...(decision.erased === undefined ? {} : { erased: decision.erased }),
    ...(decision.masked === undefined ? {} : { masked: decision.masked }),
    requested_by: 'stdio',
    timestamp: (context.now?.() ?? new Date()).toISOString(),
    metrics: { timer_rego_query_eval_ns: decision.evalNanos },
    req_id: reqId,
    action: decision.action,
  };
}
