import type { AuditAction, AuditLabels, PolicyStamp } from './audit-record.js';
import { objectJson, partJson } from './part-json.js';

/**
 * The text of audit records, built as strings: the field order is the record format
 * (docs/audit.md), the same bytes pino wrote when it serialised the records, without its
 * per-record object walk. Every value goes through `JSON.stringify` or comes from a cache of
 * its output, so the line is valid JSON whatever a peer put in it.
 */

/** The fields every record starts with; the chain fields come right after the kind's own prefix. */
export interface ChainPosition {
  readonly seq: number;
  readonly prev_hash: string | null;
}

let lastMillis = Number.NaN;
let lastStamp = '';

/** `{"type":"…","timestamp":"…"`: one ISO string per millisecond, not per record. */
function head(type: string): string {
  const now = Date.now();
  if (now !== lastMillis) {
    lastMillis = now;
    lastStamp = new Date(now).toISOString();
  }
  return `{"type":"${type}","timestamp":"${lastStamp}"`;
}

function chainText(chain: ChainPosition): string {
  return `,"seq":${String(chain.seq)},"prev_hash":${chain.prev_hash === null ? 'null' : JSON.stringify(chain.prev_hash)}`;
}

/** A start, fault, approval, pin or end record: the chain fields, then `fields` in order, skipping undefined. */
export function recordLine(
  type: 'start' | 'fault' | 'approval' | 'pin' | 'end',
  chain: ChainPosition,
  fields: Readonly<Record<string, unknown>>,
): string {
  let text = head(type) + chainText(chain);
  for (const [key, value] of Object.entries(fields)) {
    const json = JSON.stringify(value) as string | undefined;
    if (json !== undefined) text += `,${JSON.stringify(key)}:${json}`;
  }
  return `${text}}`;
}

/** `,"path":…,"labels":…,"policy":…`: the same for every decision of one policy revision. */
export function decisionPrefix(path: string, labels: AuditLabels, policy: PolicyStamp): string {
  return `,"path":${JSON.stringify(path)},"labels":${JSON.stringify(labels)},"policy":${JSON.stringify(policy)}`;
}

export interface DecisionFields {
  readonly decisionId: string;
  readonly action: AuditAction;
  /** The policy input, masked; undefined or `null` when masking erased it whole. */
  readonly input: unknown;
  readonly result: unknown;
  readonly erased?: readonly string[];
  readonly masked?: readonly string[];
  readonly evalNanos: number;
}

export function decisionLine(prefix: string, chain: ChainPosition, fields: DecisionFields): string {
  const input =
    typeof fields.input === 'object' && fields.input !== null
      ? objectJson(fields.input)
      : (partJson(fields.input) ?? 'null');
  const result = partJson(fields.result) ?? 'null';
  const erased = fields.erased === undefined ? '' : `,"erased":${JSON.stringify(fields.erased)}`;
  const masked = fields.masked === undefined ? '' : `,"masked":${JSON.stringify(fields.masked)}`;
  const nanos = Number.isFinite(fields.evalNanos) ? String(fields.evalNanos) : 'null';
  return (
    `${head('decision')}${prefix}${chainText(chain)},"decision_id":"${fields.decisionId}"` +
    `,"action":${JSON.stringify(fields.action)},"input":${input},"result":${result}${erased}${masked}` +
    `,"metrics":{"timer_rego_query_eval_ns":${nanos}}}`
  );
}
