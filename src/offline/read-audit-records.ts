import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { AuditRecord, DecisionRecord } from '../audit/audit-record.js';
import { acrossFiles } from './report-progress.js';

/** A record and where it was read. */
export interface LocatedRecord<T extends AuditRecord = AuditRecord> {
  readonly file: string;
  readonly line: number;
  readonly record: T;
}

export interface ReadProblem {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/**
 * Streams the records of audit logs in order. Lines that are not records are reported through
 * `onProblem` and skipped: offline reports work on damaged logs too (`audit verify` judges them).
 * Throws when a file cannot be read. `onProgress` receives the bytes read so far, all files together.
 */
export async function* readAuditRecords(
  files: readonly string[],
  onProblem: (problem: ReadProblem) => void = () => undefined,
  onProgress?: (bytesRead: number) => void,
): AsyncGenerator<LocatedRecord> {
  const progress = acrossFiles(files, onProgress);
  for (const [index, file] of files.entries()) {
    // One line at a time: memory stays flat whatever the size of the log.
    const input = createReadStream(file);
    if (progress !== undefined)
      input.on('data', () => {
        progress(index, input.bytesRead);
      });
    const lines = createInterface({ input, crlfDelay: Infinity });
    let line = 0;
    for await (const text of lines) {
      line += 1;
      if (text.trim() === '') continue;
      const record = parseRecord(text);
      if (record === undefined) onProblem({ file, line, reason: 'not an audit record' });
      else yield { file, line, record };
    }
  }
}

/** Only the decision records, which carry a policy input and a result. */
export async function* readDecisionRecords(
  files: readonly string[],
  onProblem?: (problem: ReadProblem) => void,
  onProgress?: (bytesRead: number) => void,
): AsyncGenerator<LocatedRecord<DecisionRecord>> {
  for await (const located of readAuditRecords(files, onProblem, onProgress)) {
    if (located.record.type === 'decision') yield located as LocatedRecord<DecisionRecord>;
  }
}

function parseRecord(text: string): AuditRecord | undefined {
  try {
    const value = JSON.parse(text) as { type?: unknown } | null;
    if (typeof value !== 'object' || value === null) return undefined;
    const known = ['start', 'decision', 'fault', 'approval', 'pin', 'end'];
    return typeof value.type === 'string' && known.includes(value.type)
      ? (value as AuditRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** How reports name what a record judged: `tools/call read_text_file`, `initialize`, … */
export function describeOperation(record: DecisionRecord): string {
  const input = record.input;
  if (input === null) return '(input erased)';
  const method = input.message.method ?? input.message.kind;
  const name = input.operation.name;
  const listing = input.operation.listing ? ' (listing)' : '';
  return (name === undefined || name === method ? method : `${method} ${name}`) + listing;
}
