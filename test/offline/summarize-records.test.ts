import { beforeAll, describe, expect, it } from 'vitest';
import { readAuditRecords } from '../../src/offline/read-audit-records.js';
import { SummaryBuilder } from '../../src/offline/summarize-records.js';
import { compileEngine } from '../audit/helpers/wasm-engine.js';
import { recordSession } from './helpers/recorded-session.js';

let log: string;

beforeAll(async () => {
  log = recordSession(await compileEngine(['baseline.rego', 'system-log.rego']));
});

async function summarise(top: number) {
  const builder = new SummaryBuilder(top);
  for await (const located of readAuditRecords([log])) builder.add(located);
  return builder.build();
}

describe('SummaryBuilder', () => {
  it('counts decisions by principal, server, operation, decision and action', async () => {
    const s = await summarise(3);
    expect(s).toMatchObject({ decisions: 8, faults: 1, sessions: 2 });
    expect(s.by_principal).toEqual({ alice: 5, bob: 4 });
    expect(s.by_server).toEqual({ filesystem: 9 });
    expect(s.by_operation).toEqual({
      'tools/call read_text_file': 4,
      'tools/call write_file': 1,
      'tools/call write_file (listing)': 1,
      'tools/call list_directory': 1,
      'tools/call get_file_info': 1,
    });
    expect(s.by_decision).toEqual({ allow: 4, deny: 4 });
    expect(s.by_action).toEqual({ forwarded: 4, denied: 4, filtered: 1 });
    expect(s.by_fault).toEqual({ 'to_server parse_error': 1 });
  });

  it('keeps the slowest evaluations, slowest first', async () => {
    const s = await summarise(3);
    // Alice's records were written with 17, 24, 31, 38, 45 µs (the dropped ping took 10).
    expect(s.slowest.map((e) => [e.eval_us, e.principal, e.operation])).toEqual([
      [45, 'alice', 'tools/call write_file (listing)'],
      [38, 'alice', 'tools/call write_file'],
      [31, 'alice', 'tools/call read_text_file'],
    ]);
  });
});
