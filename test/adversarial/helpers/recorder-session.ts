import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, ShimProcess } from '../../helpers/shim-process.js';
import { AppendedLines } from './appended-lines.js';

/**
 * The built shim (with `shimArgs`) in front of a fixture server, with an audit log, kept open for
 * many cases. `newAudit()` and `newRecords()` return only what was appended since the last call.
 */
export class LongSession {
  readonly shim: ShimProcess;
  readonly auditLog: string;
  readonly recordFile: string;
  exited = false;
  private readonly audit: AppendedLines;
  private readonly records: AppendedLines;

  constructor(
    shimArgs: readonly string[],
    server: readonly string[],
    env: Record<string, string> = {},
  ) {
    const dir = mkdtempSync(join(tmpdir(), 'adv-session-'));
    this.auditLog = join(dir, 'audit.jsonl');
    this.recordFile = join(dir, 'record.jsonl');
    writeFileSync(this.recordFile, '');
    this.audit = new AppendedLines(this.auditLog);
    this.records = new AppendedLines(this.recordFile);
    this.shim = new ShimProcess(
      [...shimArgs, '--audit-log', this.auditLog, '--', process.execPath, ...server],
      { env: { ...env, RECORD_FILE: this.recordFile } },
    );
    void this.shim.exited.then(() => (this.exited = true));
  }

  static fixture(name: string): string {
    return join(FIXTURES, name);
  }

  async open(): Promise<void> {
    await this.shim.initialize('2025-06-18');
    // Once a ping is answered, the server has read (and recorded) `notifications/initialized`.
    await this.shim.request('ping');
    this.newAudit();
    this.newRecords();
  }

  /** Audit records appended since the last call. */
  newAudit(): Record<string, unknown>[] {
    return this.audit.next().map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Lines the fixture recorded since the last call. */
  newRecords(): Record<string, unknown>[] {
    return this.records.next().map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  async close(): Promise<void> {
    await this.shim.close();
  }
}
