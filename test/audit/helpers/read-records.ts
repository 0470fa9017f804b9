import { readFileSync } from 'node:fs';
import type { AuditRecord } from '../../../src/audit/audit-record.js';

/** Parses every line of an audit log (a torn last line would throw). */
export function readRecords(file: string): AuditRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as AuditRecord);
}
