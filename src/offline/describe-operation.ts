import type { DecisionRecord } from '../audit/audit-record.js';

/** How reports name what a record judged: `tools/call read_text_file`, `initialize`, … */
export function describeOperation(record: DecisionRecord): string {
  const input = record.input;
  if (input === null) return '(input erased)';
  const method = input.message.method ?? input.message.kind;
  const name = input.operation.name;
  const listing = input.operation.listing ? ' (listing)' : '';
  return (name === undefined || name === method ? method : `${method} ${name}`) + listing;
}
