import { describe, expect, it } from 'vitest';
import { decisionLine, decisionPrefix, recordLine } from '../../src/audit/record-text.js';
import { toolCall } from './helpers/inputs.js';

const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };
const policy = { sha256: 'ab'.repeat(32), revision: 'r"1' };
const chain = { seq: 5, prev_hash: 'cd'.repeat(32) };

/** The timestamp of a written line (it is taken when the line is built). */
function stamp(line: string): string {
  return (JSON.parse(line) as { timestamp: string }).timestamp;
}

describe('decisionLine', () => {
  it('writes the fields of docs/audit.md in their order, as JSON.stringify would', () => {
    const input = toolCall('read_text_file', { path: '/etc/passwd', note: 'é "q" \u0001' }, [
      '/etc/passwd',
    ]);
    const result = { allow: false, reasons: ['path_outside_roots'], message: 'No.' };
    const line = decisionLine(decisionPrefix('mcp/decision', labels, policy), chain, {
      decisionId: '052082e7-cf4b-4625-83d1-929c1c2b2e4c',
      action: 'denied',
      input,
      result,
      evalNanos: 333122,
    });
    expect(line).toBe(
      JSON.stringify({
        type: 'decision',
        timestamp: stamp(line),
        path: 'mcp/decision',
        labels,
        policy,
        ...chain,
        decision_id: '052082e7-cf4b-4625-83d1-929c1c2b2e4c',
        action: 'denied',
        input,
        result,
        metrics: { timer_rego_query_eval_ns: 333122 },
      }),
    );
    expect(Date.parse(stamp(line))).not.toBeNaN();
  });

  it('writes erased and masked after the result, and null for an input masking erased', () => {
    const line = decisionLine(
      decisionPrefix('mcp/decision', labels, policy),
      { seq: 0, prev_hash: null },
      {
        decisionId: 'id',
        action: 'forwarded',
        input: undefined,
        result: { allow: true, reasons: [], message: undefined },
        erased: ['/input'],
        masked: ['/result/message'],
        evalNanos: Number.NaN,
      },
    );
    expect(line).toBe(
      JSON.stringify({
        type: 'decision',
        timestamp: stamp(line),
        path: 'mcp/decision',
        labels,
        policy,
        seq: 0,
        prev_hash: null,
        decision_id: 'id',
        action: 'forwarded',
        input: null,
        result: { allow: true, reasons: [] },
        erased: ['/input'],
        masked: ['/result/message'],
        metrics: { timer_rego_query_eval_ns: null },
      }),
    );
  });
});

describe('recordLine', () => {
  it('writes type, timestamp and the chain fields first, then the fields in order, skipping undefined', () => {
    const line = recordLine('fault', chain, {
      decision_id: 'id',
      direction: 'to_client',
      fault: 'parse_error',
      detail: 'bad "frame" \ud800',
      action: 'dropped',
      labels,
      unwritten: undefined,
    });
    expect(line).toBe(
      JSON.stringify({
        type: 'fault',
        timestamp: stamp(line),
        ...chain,
        decision_id: 'id',
        direction: 'to_client',
        fault: 'parse_error',
        detail: 'bad "frame" \ud800',
        action: 'dropped',
        labels,
      }),
    );
  });
});
