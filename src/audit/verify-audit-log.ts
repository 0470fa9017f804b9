import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';

export type VerifyResult =
  | {
      readonly ok: true;
      readonly lines: number;
      readonly records: number;
      readonly sessions: number;
      readonly headHash: string;
    }
  | { readonly ok: false; readonly line: number; readonly reason: string };

interface ChainLine {
  readonly type: unknown;
  readonly seq: unknown;
  readonly prev_hash: unknown;
  readonly records?: unknown;
}

/**
 * Walks the hash chain of an audit log. Reports the first bad line: a modified line shows up
 * at the next one (its hash no longer matches that line's `prev_hash`); a deleted, inserted or
 * reordered record breaks `prev_hash` and `seq`; every session must close with an `end` record.
 */
export async function verifyAuditLog(file: string): Promise<VerifyResult> {
  const checker = new ChainChecker();
  let pending: Buffer = Buffer.alloc(0);
  let failure: VerifyResult | undefined;
  for await (const chunk of createReadStream(file)) {
    pending = pending.length === 0 ? (chunk as Buffer) : Buffer.concat([pending, chunk as Buffer]);
    let start = 0;
    for (let nl = pending.indexOf(0x0a); nl >= 0; nl = pending.indexOf(0x0a, start)) {
      failure = checker.line(pending.subarray(start, nl));
      start = nl + 1;
      if (failure) return failure;
    }
    pending = pending.subarray(start);
  }
  if (pending.length > 0) {
    failure = checker.line(pending);
    if (failure) return failure;
    return {
      ok: false,
      line: checker.lineNo,
      reason: 'the last line has no newline: a torn or truncated write',
    };
  }
  return checker.finish();
}

class ChainChecker {
  lineNo = 0;
  private prevHash: string | null = null;
  private prevSeq = -1;
  private inSession = false;
  private sessionRecords = 0;
  private records = 0;
  private sessions = 0;

  line(bytes: Buffer): VerifyResult | undefined {
    this.lineNo += 1;
    const n = this.lineNo;
    const bad = (reason: string): VerifyResult => ({ ok: false, line: n, reason });
    let parsed: unknown;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      return bad('not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return bad('not a JSON object');
    const record = parsed as ChainLine;
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
    this.prevHash = createHash('sha256').update(bytes).digest('hex');
    this.prevSeq += 1;
    return this.session(record, bad);
  }

  finish(): VerifyResult {
    if (this.lineNo === 0)
      return { ok: false, line: 1, reason: 'the log is empty: no start record' };
    if (this.inSession) {
      return {
        ok: false,
        line: this.lineNo + 1,
        reason: `missing end record: the log stops after line ${this.lineNo}`,
      };
    }
    return {
      ok: true,
      lines: this.lineNo,
      records: this.records,
      sessions: this.sessions,
      headHash: this.prevHash ?? '',
    };
  }

  private session(
    record: ChainLine,
    bad: (reason: string) => VerifyResult,
  ): VerifyResult | undefined {
    switch (record.type) {
      case 'start':
        if (this.inSession) {
          return bad(
            `a new session starts but the one before has no end record (crash or truncation before line ${this.lineNo})`,
          );
        }
        this.inSession = true;
        this.sessionRecords = 0;
        this.sessions += 1;
        return undefined;
      case 'decision':
      case 'fault':
        if (!this.inSession) return bad(`a ${record.type} record after the session's end record`);
        this.sessionRecords += 1;
        this.records += 1;
        return undefined;
      case 'end':
        if (!this.inSession) return bad('an end record outside a session');
        if (record.records !== this.sessionRecords) {
          return bad(
            `the end record counts ${String(record.records)} records, the session has ${this.sessionRecords}`,
          );
        }
        this.inSession = false;
        return undefined;
      default:
        return bad(`unknown record type ${JSON.stringify(record.type)}`);
    }
  }
}
