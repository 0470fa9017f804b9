import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../../src/core/decision.js';
import { readDecisionRecords } from '../../src/offline/read-audit-records.js';
import { replayDecisions } from '../../src/offline/replay-decisions.js';
import { compileEngine } from '../audit/helpers/wasm-engine.js';
import { recordSession } from './helpers/recorded-session.js';

let log: string;
let baseline: PolicyEngine;
let candidate: PolicyEngine;

beforeAll(async () => {
  baseline = await compileEngine(['baseline.rego', 'system-log.rego']);
  candidate = await compileEngine(['candidate.rego']);
  log = recordSession(baseline);
});

describe('replayDecisions', () => {
  it('finds no change when the recorded policy is replayed against itself', async () => {
    const report = await replayDecisions(readDecisionRecords([log]), baseline);
    // The ping was dropped by system.log.drop, so 8 of the 9 judged messages were recorded.
    expect(report).toEqual({ evaluated: 8, changed: [], skipped: 0 });
  });

  it('lists every decision a candidate policy would change, with principal, operation and reason', async () => {
    const report = await replayDecisions(readDecisionRecords([log]), candidate);
    expect(report.evaluated).toBe(8);
    expect(
      report.changed.map((c) => [c.change, c.principal, c.operation, c.reason, c.was]),
    ).toEqual([
      [
        'deny→allow',
        'alice',
        'tools/call write_file',
        'inside the roots',
        'no rule allows this operation',
      ],
      [
        'deny→allow',
        'alice',
        'tools/call write_file (listing)',
        'listing',
        'no rule allows this operation',
      ],
      [
        'allow→deny',
        'bob',
        'tools/call get_file_info',
        'no rule allows this operation',
        'read inside the roots',
      ],
    ]);
    expect(report.changed[0]).toMatchObject({
      server: 'filesystem',
      masked_input: false,
      line: expect.any(Number),
    });
  });

  it('judges recorded paths against other roots when given', async () => {
    const report = await replayDecisions(readDecisionRecords([log]), baseline, ['/home/bob']);
    const changes = report.changed.map((c) => `${c.change} ${c.principal} ${c.operation}`);
    expect(changes).toEqual([
      'allow→deny alice tools/call read_text_file',
      'allow→deny alice tools/call read_text_file',
      'allow→deny bob tools/call list_directory',
      'allow→deny bob tools/call get_file_info',
      'deny→allow bob tools/call read_text_file',
    ]);
  });
});
