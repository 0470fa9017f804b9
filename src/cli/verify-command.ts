import {
  verifyAuditLog,
  type UnterminatedSession,
  type VerifyResult,
  type VerifyState,
} from '../audit/verify-audit-log.js';
import { Progress, type ProgressStream } from '../offline/report-progress.js';

export interface VerifyIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: ProgressStream;
}

/** One exit code per state; several logs exit with the worst. 2 stays "usage or unreadable". */
export const VERIFY_EXIT_CODES: Readonly<Record<VerifyState, number>> = {
  ok: 0,
  tampered: 1,
  unterminated: 3,
};
const WORST_FIRST: readonly VerifyState[] = ['tampered', 'unterminated', 'ok'];

/**
 * `mcp-opa-shim audit verify [--json] <log...>`: one line per log (stdout; a tampered log's line
 * goes to stderr), or one JSON object. Resolves with the exit code of the worst state.
 */
export async function verifyLogs(
  logs: readonly string[],
  json: boolean,
  io: VerifyIo,
): Promise<number> {
  const results: { file: string; result: VerifyResult }[] = [];
  for (const file of logs) {
    const progress = Progress.forFiles(io.stderr, `audit verify ${file}`, [file]);
    const result = await verifyAuditLog(
      file,
      progress &&
        ((bytes) => {
          progress.update(bytes);
        }),
    );
    progress?.done();
    results.push({ file, result });
    if (json) continue;
    if (result.state === 'tampered') io.stderr.write(`${describe(file, result)}\n`);
    else io.stdout.write(`${describe(file, result)}\n`);
  }
  const states = new Set(results.map(({ result }) => result.state));
  const worst = WORST_FIRST.find((state) => states.has(state)) ?? 'ok';
  if (json) {
    const body = { state: worst, logs: results.map(({ file, result }) => toJson(file, result)) };
    io.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  }
  return VERIFY_EXIT_CODES[worst];
}

function describe(file: string, result: VerifyResult): string {
  switch (result.state) {
    case 'ok':
      return `${file}: ok, ${counts(result)}; last line sha256 ${result.headHash}`;
    case 'tampered':
      return `${file}:${result.line}: tampered: ${result.reason}`;
    case 'unterminated': {
      const what = [
        ...result.unterminated.map(describeSession),
        ...result.tornLines.map((line) => `line ${line} was cut off mid-write`),
      ];
      const head = result.lines === 0 ? 'the log is empty' : what.join('; ');
      return `${file}: unterminated: ${head}. The writer was killed (crash, SIGKILL) or the file was cut there; every record present verifies: ${counts(result)}${result.lines > 0 ? `; last line sha256 ${result.headHash}` : ''}`;
    }
  }
}

function describeSession(session: UnterminatedSession): string {
  return session.cause === 'log_ends'
    ? `the session that starts at line ${session.startLine} has no end record (the log stops at line ${session.lastLine})`
    : `the session that starts at line ${session.startLine} has no end record (it stops at line ${session.lastLine}; a restarted shim marked the next start after_unclean_end)`;
}

function counts(result: { lines: number; records: number; sessions: number }): string {
  return `${result.lines} lines, ${result.records} records in ${result.sessions} session(s)`;
}

function toJson(file: string, result: VerifyResult): Record<string, unknown> {
  switch (result.state) {
    case 'tampered':
      return { file, state: result.state, line: result.line, reason: result.reason };
    case 'ok':
      return { file, state: result.state, ...summaryJson(result) };
    case 'unterminated':
      return {
        file,
        state: result.state,
        ...summaryJson(result),
        unterminated_sessions: result.unterminated.map((s) => ({
          start_line: s.startLine,
          last_line: s.lastLine,
          cause: s.cause,
        })),
        torn_lines: result.tornLines,
      };
  }
}

function summaryJson(result: {
  lines: number;
  records: number;
  sessions: number;
  headHash: string;
}): Record<string, unknown> {
  return {
    lines: result.lines,
    records: result.records,
    sessions: result.sessions,
    last_line_sha256: result.headHash === '' ? null : result.headHash,
  };
}
