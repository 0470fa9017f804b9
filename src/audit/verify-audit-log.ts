import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

/**
 * `ok`: every record verifies and every session closed with its `end` record.
 * `unterminated`: every record present verifies, but a session has no `end` record: its writer
 * was killed (SIGKILL, power cut, OOM) or the file was cut there; a chain cannot tell the two
 * apart. `tampered`: a record was modified, deleted, inserted or reordered, or is not a record.
 */
export type VerifyState = 'ok' | 'unterminated' | 'tampered';

/** A session without an `end` record. */
export interface UnterminatedSession {
  /** Line of its `start` record. */
  readonly startLine: number;
  /** Its last line. */
  readonly lastLine: number;
  /**
   * `log_ends`: the log stops inside it. `restarted`: a later shim found it unfinished and opened
   * a new session marked `after_unclean_end`.
   */
  readonly cause: 'log_ends' | 'restarted';
}

export interface ChainSummary {
  readonly lines: number;
  readonly records: number;
  readonly sessions: number;
  /** sha256 of the last line: keep it to pin the file's head. */
  readonly headHash: string;
}

export type VerifyResult =
  | ({ readonly state: 'ok' } & ChainSummary)
  | ({
      readonly state: 'unterminated';
      readonly unterminated: readonly UnterminatedSession[];
      /** Lines cut off mid-write (no newline, or not JSON, then a restart): not records. */
      readonly tornLines: readonly number[];
    } & ChainSummary)
  | { readonly state: 'tampered'; readonly line: number; readonly reason: string };

interface ChainLine {
  readonly type: unknown;
  readonly seq: unknown;
  readonly prev_hash: unknown;
  readonly records?: unknown;
  readonly after_unclean_end?: unknown;
}

/**
 * Walks the hash chain of an audit log, streaming (memory stays flat whatever the size).
 * Reports the first bad line: a modified line shows up at the next one (its hash no longer
 * matches that line's `prev_hash`); a deleted, inserted or reordered record breaks `prev_hash`
 * and `seq`. A session that never ended is `unterminated`, not `tampered`, when nothing else
 * is wrong. `onProgress` receives the bytes read so far.
 */
export async function verifyAuditLog(
  file: string,
  onProgress?: (bytesRead: number) => void,
): Promise<VerifyResult> {
  const checker = new ChainChecker();
  let pending: Buffer = Buffer.alloc(0);
  let bytesRead = 0;
  for await (const chunk of createReadStream(file)) {
    const bytes = chunk as Buffer;
    bytesRead += bytes.length;
    pending = pending.length === 0 ? bytes : Buffer.concat([pending, bytes]);
    let start = 0;
    for (let nl = pending.indexOf(0x0a); nl >= 0; nl = pending.indexOf(0x0a, start)) {
      const failure = checker.line(pending.subarray(start, nl));
      start = nl + 1;
      if (failure) return failure;
    }
    pending = pending.subarray(start);
    onProgress?.(bytesRead);
  }
  if (pending.length > 0) {
    // The last write stopped before its newline: a writer killed mid-write, or a cut file.
    const failure = checker.line(pending, { lastWithoutNewline: true });
    if (failure) return failure;
  }
  return checker.finish();
}

class ChainChecker {
  private lineNo = 0;
  private prevHash: string | null = null;
  private prevSeq = -1;
  /** The line before was not JSON: only a restart (`start` after an unclean end) may follow. */
  private tornLine: number | undefined;
  private session: { startLine: number; records: number } | undefined;
  private records = 0;
  private sessions = 0;
  private readonly unterminated: UnterminatedSession[] = [];
  private readonly tornLines: number[] = [];

  line(bytes: Buffer, at: { lastWithoutNewline?: boolean } = {}): VerifyResult | undefined {
    this.lineNo += 1;
    const n = this.lineNo;
    const bad = (reason: string): VerifyResult => ({ state: 'tampered', line: n, reason });
    const hash = createHash('sha256').update(bytes).digest('hex');
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      // Not a record. Torn only if the log stops here, or the next shim restarted after it.
      if (this.tornLine !== undefined) return bad('not a record (not a JSON object)');
      this.tornLine = n;
      this.prevHash = hash;
      if (at.lastWithoutNewline === true) this.tornLines.push(n);
      return undefined;
    }
    const record = parsed as ChainLine;
    if (this.tornLine !== undefined) {
      if (record.type !== 'start' || record.after_unclean_end !== true) {
        return {
          state: 'tampered',
          line: this.tornLine,
          reason: `not a record, and line ${n} is no restart: it was written there, not torn by a crash`,
        };
      }
      // The restarting shim could not read a seq from the torn line and began again at 0.
      this.tornLines.push(this.tornLine);
      this.tornLine = undefined;
      this.prevSeq = -1;
    }
    if (record.prev_hash !== this.prevHash) {
      return n === 1
        ? bad(
            'the first record must start the chain (prev_hash null): earlier records were removed',
          )
        : bad(
            `prev_hash does not match the sha256 of line ${n - 1}: line ${n - 1} was modified, or records were deleted, inserted or reordered`,
          );
    }
    if (record.seq !== this.prevSeq + 1)
      return bad(`seq ${String(record.seq)} where ${this.prevSeq + 1} was expected`);
    this.prevHash = hash;
    this.prevSeq += 1;
    if (at.lastWithoutNewline === true) this.tornLines.push(n);
    return this.sessionRecord(record, bad);
  }

  finish(): VerifyResult {
    if (this.tornLine !== undefined && !this.tornLines.includes(this.tornLine)) {
      return {
        state: 'tampered',
        line: this.tornLine,
        reason: 'not a record (not a JSON object), yet a whole line',
      };
    }
    if (this.session !== undefined) {
      this.unterminated.push({
        startLine: this.session.startLine,
        lastLine: this.lineNo,
        cause: 'log_ends',
      });
    }
    const summary: ChainSummary = {
      lines: this.lineNo,
      records: this.records,
      sessions: this.sessions,
      headHash: this.prevHash ?? '',
    };
    if (this.lineNo > 0 && this.unterminated.length === 0 && this.tornLines.length === 0)
      return { state: 'ok', ...summary };
    return {
      state: 'unterminated',
      unterminated: this.unterminated,
      tornLines: this.tornLines,
      ...summary,
    };
  }

  private sessionRecord(
    record: ChainLine,
    bad: (reason: string) => VerifyResult,
  ): VerifyResult | undefined {
    switch (record.type) {
      case 'start':
        if (this.session !== undefined) {
          if (record.after_unclean_end !== true) {
            return bad(
              'a new session starts but the one before has no end record, and this start does not say after_unclean_end: records were removed',
            );
          }
          this.unterminated.push({
            startLine: this.session.startLine,
            lastLine: this.lineNo - 1,
            cause: 'restarted',
          });
        }
        this.session = { startLine: this.lineNo, records: 0 };
        this.sessions += 1;
        return undefined;
      case 'decision':
      case 'fault':
      case 'approval':
      case 'pin':
        if (this.session === undefined)
          return bad(`a ${record.type} record after the session's end record`);
        this.session.records += 1;
        this.records += 1;
        return undefined;
      case 'end':
        if (this.session === undefined) return bad('an end record outside a session');
        if (record.records !== this.session.records) {
          return bad(
            `the end record counts ${String(record.records)} records, the session has ${this.session.records}`,
          );
        }
        this.session = undefined;
        return undefined;
      default:
        return bad(`unknown record type ${JSON.stringify(record.type)}`);
    }
  }
}
