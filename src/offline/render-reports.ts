import type { PolicyRevision } from '../core/decision.js';
import { formatTable } from './format-table.js';
import type { ReplayReport } from './replay-decisions.js';
import type { RootsReport } from './roots-report.js';
import type { Counts, Summary } from './summarize-records.js';

/** Terminal renderings of the offline reports; `--json` prints the report objects instead. */

export function renderRoots(report: RootsReport): string {
  const rows = report.rows.map((r) => [
    r.principal,
    r.server,
    r.operation,
    r.path,
    r.within_roots ? `inside ${r.root ?? ''}`.trimEnd() : 'OUTSIDE',
    String(r.allowed),
    String(r.denied),
  ]);
  const outside = report.rows.filter((r) => !r.within_roots);
  const allowedOutside = outside.filter((r) => r.allowed > 0).length;
  const judged =
    report.roots.length > 0
      ? `judged against --root ${report.roots.join(', ')}`
      : 'as the shim judged them when recorded';
  const lines = [
    `${report.rows.length} path(s) by principal and operation, ${judged}; ` +
      `${outside.length} outside the roots, ${allowedOutside} of them allowed.`,
  ];
  if (report.unknown > 0)
    lines.push(`${report.unknown} record(s) had their input erased by masking.`);
  const table = formatTable(
    ['PRINCIPAL', 'SERVER', 'OPERATION', 'PATH', 'ROOTS', 'ALLOWED', 'DENIED'],
    rows,
  );
  return (rows.length > 0 ? table : '') + lines.join('\n') + '\n';
}

export function renderReplay(
  report: ReplayReport,
  revision: PolicyRevision,
  dataFiles: readonly string[] = [],
): string {
  const rows = report.changed.map((c) => [
    c.change,
    c.principal,
    c.operation,
    c.subject === '' ? '-' : c.subject,
    c.timestamp,
    `${c.reason}${c.masked_input ? ' (input was masked)' : ''}`,
  ]);
  const toDeny = report.changed.filter((c) => c.change === 'allow→deny').length;
  const data = dataFiles.length > 0 ? ` with data ${dataFiles.join(', ')}` : '';
  const policy = `${revision.source} (sha256 ${revision.sha256.slice(0, 12)})${data}`;
  const lines = [
    `Replayed ${report.evaluated} decision(s) against ${policy}: ${report.changed.length} would change ` +
      `(${toDeny} allow→deny, ${report.changed.length - toDeny} deny→allow).`,
  ];
  if (report.skipped > 0)
    lines.push(`${report.skipped} record(s) skipped: their input was erased by masking.`);
  const table = formatTable(
    ['CHANGE', 'PRINCIPAL', 'OPERATION', 'ARGUMENTS / PATHS', 'WHEN', 'REASON (candidate policy)'],
    rows,
  );
  return (rows.length > 0 ? table : '') + lines.join('\n') + '\n';
}

export function renderSummary(summary: Summary): string {
  const sections: string[] = [
    `${summary.decisions} decision(s), ${summary.faults} fault(s), ${summary.sessions} session(s).\n`,
    countTable('PRINCIPAL', summary.by_principal),
    countTable('SERVER', summary.by_server),
    countTable('OPERATION', summary.by_operation),
    countTable('DECISION', summary.by_decision),
    countTable('ACTION', summary.by_action),
    countTable('SESSION END', summary.by_session_end),
  ];
  if (summary.faults > 0) sections.push(countTable('FAULT', summary.by_fault));
  if (summary.approvals > 0) {
    sections.push(`${summary.approvals} approval request(s).\n`);
    sections.push(countTable('APPROVAL', summary.by_approval));
  }
  if (summary.pins > 0) {
    const status = (name: string) => String(summary.by_pin_status[name] ?? 0);
    sections.push(
      `${summary.pins} pin record(s): ${status('pinned')} pinned, ${status('new')} new, ${status('changed')} changed.\n`,
    );
    sections.push(countTable('PIN', summary.by_pin));
  }
  if (summary.slowest.length > 0) {
    const rows = summary.slowest.map((s) => [
      s.eval_us.toFixed(1),
      s.timestamp,
      s.principal,
      s.operation,
      s.decision,
    ]);
    sections.push(
      `Slowest evaluations:\n${formatTable(['EVAL µs', 'WHEN', 'PRINCIPAL', 'OPERATION', 'DECISION'], rows)}`,
    );
  }
  return sections.join('\n');
}

function countTable(heading: string, counts: Counts): string {
  const rows = Object.entries(counts)
    .sort(([ka, a], [kb, b]) => b - a || ka.localeCompare(kb))
    .map(([key, n]) => [key, String(n)]);
  return formatTable([heading, 'COUNT'], rows);
}
