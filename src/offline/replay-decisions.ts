import type { DecisionRecord } from '../audit/audit-record.js';
import type { PolicyInput } from '../core/policy-input.js';
import type { PolicyEngine } from '../core/decision.js';
import { describeOperation, type LocatedRecord } from './read-audit-records.js';
import { withRoots } from './rejudge-paths.js';

export interface ChangedDecision {
  readonly file: string;
  readonly line: number;
  readonly decision_id: string;
  readonly timestamp: string;
  readonly principal: string;
  readonly server: string;
  /** e.g. `tools/call read_text_file`. */
  readonly operation: string;
  /** The tool (or prompt, resource) the call named, when it named one. */
  readonly tool?: string;
  /** What the decision turned on: the paths and where they resolved, else the arguments. */
  readonly subject: string;
  readonly change: 'allow→deny' | 'deny→allow';
  /** Why the candidate decides as it does: its reasons, message or error. */
  readonly reason: string;
  /** The recorded decision's reasons. */
  readonly was: string;
  /** True when masking erased or changed part of the recorded input. */
  readonly masked_input: boolean;
}

export interface ReplayReport {
  readonly evaluated: number;
  readonly changed: ChangedDecision[];
  /** Records whose whole input was erased by masking: nothing to replay. */
  readonly skipped: number;
}

/**
 * Re-evaluates recorded inputs against a candidate policy and lists every decision that would
 * change. With `roots`, paths are judged against them first, as the shim would with `--root`.
 */
export async function replayDecisions(
  records: AsyncIterable<LocatedRecord<DecisionRecord>>,
  engine: PolicyEngine,
  roots: readonly string[] = [],
): Promise<ReplayReport> {
  const report = { evaluated: 0, changed: [] as ChangedDecision[], skipped: 0 };
  for await (const { file, line, record } of records) {
    if (record.input === null) {
      report.skipped += 1;
      continue;
    }
    const input = roots.length > 0 ? withRoots(record.input, roots) : record.input;
    const before = record.result?.allow === true;
    const after = engine.evaluate(input);
    report.evaluated += 1;
    if (after.allow === before) continue;
    report.changed.push({
      file,
      line,
      decision_id: record.decision_id,
      timestamp: record.timestamp,
      principal: input.principal.id,
      server: input.server.id,
      operation: describeOperation(record),
      ...(input.operation.name === undefined ? {} : { tool: input.operation.name }),
      subject: describeSubject(input),
      change: before ? 'allow→deny' : 'deny→allow',
      reason: explain(after),
      was: explain(record.result),
      masked_input: (record.erased?.length ?? 0) + (record.masked?.length ?? 0) > 0,
    });
  }
  return report;
}

function explain(decision: DecisionRecord['result']): string {
  if (decision === null) return '(result erased)';
  const parts = [...decision.reasons];
  if (decision.message !== undefined && !parts.includes(decision.message))
    parts.push(decision.message);
  if (decision.error !== undefined) parts.push(`error: ${decision.error}`);
  return parts.length > 0 ? parts.join('; ') : '(no reason given)';
}

const SUBJECT_WIDTH = 120;

/**
 * What a recorded call acted on, for reports: each path as given, where it resolved and whether
 * that is inside the roots (`../x → /home/a/x OUTSIDE roots`), then the other arguments as
 * compact JSON. Long texts are cut (marked with …).
 */
export function describeSubject(input: PolicyInput): string {
  const paths = input.paths.map((p) => {
    const where = p.within_roots ? `inside ${p.root ?? 'roots'}` : 'OUTSIDE roots';
    const resolved = p.resolved === undefined || p.resolved === p.raw ? '' : ` → ${p.resolved}`;
    return `${p.raw}${resolved} (${where})`;
  });
  // Arguments that are themselves a judged path are shown once, as a path.
  const pathKeys = new Set(input.paths.map((p) => p.pointer.split('/')[1]));
  const others = Object.entries(input.arguments).filter(([key]) => !pathKeys.has(key));
  const parts = [...paths];
  if (others.length > 0) parts.push(JSON.stringify(Object.fromEntries(others)));
  const text = parts.join('; ');
  return text.length > SUBJECT_WIDTH ? `${text.slice(0, SUBJECT_WIDTH - 1)}…` : text;
}
