import type { DoctorCheck } from './doctor-check.js';

export interface DoctorReport {
  /** What was examined: the server command line, or the client config file. */
  readonly subject: string;
  readonly checks: readonly DoctorCheck[];
}

const STATUS_TEXT = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;
const ID_WIDTH = 11;

export function reportPassed(report: DoctorReport): boolean {
  return report.checks.every((c) => c.status !== 'fail');
}

/** One line per check: status, check, what was found, and the fix. */
export function renderText(report: DoctorReport): string {
  const lines = [`mcp-opa-shim doctor: ${report.subject}`];
  let entry: string | undefined;
  for (const c of report.checks) {
    if (c.entry !== undefined && c.entry !== entry) {
      entry = c.entry;
      lines.push(`[${entry}]`);
    }
    const head = `${STATUS_TEXT[c.status]}  ${c.id.padEnd(ID_WIDTH)} `;
    const joiner = c.summary.includes('\n') ? '\n' : ' ';
    const text = c.fix === undefined ? c.summary : `${c.summary}${joiner}Fix: ${c.fix}`;
    const [first = '', ...more] = text.split('\n');
    lines.push(head + first, ...more.map((line) => ' '.repeat(head.length) + line));
  }
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  const warned = report.checks.filter((c) => c.status === 'warn').length;
  lines.push(
    failed === 0
      ? `No problems found (${report.checks.length} checks, ${warned} warning(s)).`
      : `${failed} of ${report.checks.length} checks failed.`,
  );
  return `${lines.join('\n')}\n`;
}

/** `--json`: `{ ok, subject, checks: [{ id, status, summary, fix?, entry?, details? }] }`. */
export function renderJson(report: DoctorReport): string {
  return `${JSON.stringify({ ok: reportPassed(report), subject: report.subject, checks: report.checks }, null, 2)}\n`;
}
