import type { DecisionRecord } from '../audit/audit-record.js';
import type { Decision, PolicyEngine } from '../core/decision.js';
import { describeOperation, type LocatedRecord } from './read-audit-records.js';
import { describeSubject } from './replay-decisions.js';

/**
 * `mcp-opa-shim test --from-audit`: every decision record of an audit log is a test case, its
 * recorded input evaluated with the current policy and compared with its recorded decision.
 * A case differs when `allow` or the set of `reasons` differs (messages may be reworded).
 *
 * What can be replayed: the input as recorded. Records whose input was erased whole by
 * `system.log.mask` (input null), or whose result was erased, have nothing to compare and are
 * skipped (counted). A masked input is replayed as masked (a removed or replaced field reads as
 * the mask left it), so its differences are marked. Paths are judged as recorded
 * (`within_roots` as the shim resolved them then).
 */

export interface CaseOutcome {
  readonly allow: boolean;
  readonly reasons: readonly string[];
  readonly message?: string;
}

export interface CaseDifference {
  readonly file: string;
  readonly line: number;
  readonly seq: number;
  readonly decision_id: string;
  readonly operation: string;
  readonly subject: string;
  readonly recorded: CaseOutcome;
  readonly now: CaseOutcome;
  readonly masked_input: boolean;
}

export interface AuditCaseReport {
  readonly evaluated: number;
  readonly differences: CaseDifference[];
  /** Records with the input or the result erased: nothing to compare. */
  readonly skipped: number;
}

export async function checkAuditCases(
  records: AsyncIterable<LocatedRecord<DecisionRecord>>,
  engine: PolicyEngine,
): Promise<AuditCaseReport> {
  const report = { evaluated: 0, differences: [] as CaseDifference[], skipped: 0 };
  for await (const { file, line, record } of records) {
    if (record.input === null || record.result === null) {
      report.skipped += 1;
      continue;
    }
    const recorded = outcome(record.result);
    const now = outcome(engine.evaluate(record.input));
    report.evaluated += 1;
    if (recorded.allow === now.allow && sameSet(recorded.reasons, now.reasons)) continue;
    report.differences.push({
      file,
      line,
      seq: record.seq,
      decision_id: record.decision_id,
      operation: describeOperation(record),
      subject: describeSubject(record.input),
      recorded,
      now,
      masked_input: (record.erased?.length ?? 0) + (record.masked?.length ?? 0) > 0,
    });
  }
  return report;
}

export function renderAuditCases(report: AuditCaseReport, source: string): string {
  const lines = report.differences.map((d) => {
    const subject = d.subject === '' ? '' : ` ${d.subject}`;
    const masked = d.masked_input ? ' (input was masked)' : '';
    return (
      `DIFF ${d.file}:${String(d.line)} seq ${String(d.seq)} ${d.operation}${subject}${masked}\n` +
      `  recorded: ${showOutcome(d.recorded)}\n` +
      `  now:      ${showOutcome(d.now)}`
    );
  });
  const skipped =
    report.skipped > 0
      ? `; ${String(report.skipped)} skipped (input or result erased by masking)`
      : '';
  lines.push(
    `${String(report.evaluated)} audit case(s) from ${source}: ${String(report.differences.length)} differ${skipped}.`,
  );
  return `${lines.join('\n')}\n`;
}

function outcome(decision: Decision): CaseOutcome {
  return {
    allow: decision.allow,
    reasons: [...decision.reasons].sort(),
    ...(decision.message === undefined ? {} : { message: decision.message }),
  };
}

function showOutcome(o: CaseOutcome): string {
  const reasons = o.reasons.length > 0 ? ` [${o.reasons.join(', ')}]` : '';
  const message = !o.allow && o.message !== undefined ? ` "${o.message}"` : '';
  return `${o.allow ? 'allow' : 'deny'}${reasons}${message}`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
