import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditor } from '../../src/audit/auditor.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { NO_SECRETS } from '../../src/secrets/secret-set.js';
import { readAuditRecords } from '../../src/offline/read-audit-records.js';
import { SummaryBuilder } from '../../src/offline/summarize-records.js';
import { compileEngine } from '../audit/helpers/wasm-engine.js';
import { recordSession } from './helpers/recorded-session.js';

let log: string;
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await compileEngine(['baseline.rego', 'system-log.rego']);
  log = recordSession(engine);
});

async function summarise(top: number, file = log) {
  const builder = new SummaryBuilder(top);
  for await (const located of readAuditRecords([file])) builder.add(located);
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

  it('counts sessions by how they ended, and a clean end is not a fault', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-ends-')), 'audit.jsonl');
    const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };
    const open = () =>
      createAuditor({ file, stderr: false, policy: engine, secrets: NO_SECRETS, labels });
    for (let i = 0; i < 3; i++) {
      open().close({ kind: 'clean', detail: 'the client closed the session', exit_code: 0 });
    }
    const crashed = open();
    crashed.fault({ direction: 'to_client', fault: 'child_exit', detail: 'x', action: 'dropped' });
    crashed.close({ kind: 'fault', detail: 'the server exited (exit code 3)', exit_code: 3 });
    open().close();
    const s = await summarise(3, file);
    expect(s).toMatchObject({ sessions: 5, faults: 1 });
    expect(s.by_fault).toEqual({ 'to_client child_exit': 1 });
    expect(s.by_session_end).toEqual({ clean: 3, fault: 1, 'not recorded': 1 });
  });
});
