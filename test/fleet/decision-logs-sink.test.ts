import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditor, type DecisionSink } from '../../src/audit/auditor.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { collectSecrets } from '../../src/secrets/secret-set.js';
import { ping, toolCall } from '../audit/helpers/inputs.js';

const DATA = join(import.meta.dirname, 'fixtures', 'drop-ping-data.yaml');
const secrets = collectSecrets({ env: {}, envFileValues: {}, secretEnv: [], namePatterns: [] });
const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0-test' };

describe('the decision sink the uploader is fed from', () => {
  let policy: PolicyEngine;
  let log: string;

  beforeEach(async () => {
    policy = await createPolicyEngine({
      policy: { kind: 'embedded' },
      dataFiles: [DATA],
      entrypoint: 'mcp/decision',
      watch: false,
    });
    log = join(mkdtempSync(join(tmpdir(), 'sink-')), 'audit.jsonl');
  });

  afterEach(() => {
    policy.close();
  });

  /** The real auditor on the test policy, feeding `sink`; `file: undefined` keeps no audit log. */
  const auditorWith = (sink: DecisionSink, file: string | undefined = log) =>
    createAuditor({ file, stderr: false, policy, secrets, labels, sink });

  const decisions = (): { decision_id: string }[] =>
    readFileSync(log, 'utf8')
      .split('\n')
      .filter((line) => line.includes('"type":"decision"'))
      .map((line) => JSON.parse(line) as { decision_id: string });

  it('sees each written decision, masked, with the audit record’s id', () => {
    const seen: Parameters<DecisionSink>[0][] = [];
    const auditor = auditorWith((d) => seen.push(d));
    const input = toolCall('read_file', { path: '/srv/projects/a', password: 'pw-123456789' }, [
      '/srv/projects/a',
    ]);
    auditor.record({ input, decision: policy.evaluate(input), action: 'forwarded', evalMicros: 3 });
    auditor.close();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.decisionId).toBe(decisions()[0]!.decision_id);
    expect(seen[0]!.erased).toEqual(['/input/arguments/password']);
    expect(JSON.stringify(seen[0]!.input)).not.toContain('pw-123456789');
  });

  it('does not see what system.log.drop drops, but always sees a denial', () => {
    const seen: string[] = [];
    const auditor = auditorWith((d) => seen.push(d.action));
    const allowedPing = ping();
    auditor.record({
      input: allowedPing,
      decision: policy.evaluate(allowedPing),
      action: 'forwarded',
      evalMicros: 1,
    });
    const denied = { allow: false, reasons: ['test'] } as const;
    auditor.record({ input: ping(), decision: denied, action: 'denied', evalMicros: 1 });
    auditor.close();
    expect(policy.evaluate(allowedPing).allow).toBe(true);
    expect(seen).toEqual(['denied']);
    expect(decisions()).toHaveLength(1);
  });

  it('cannot stop a record or a message: a throwing sink is ignored', () => {
    const auditor = auditorWith(() => {
      throw new Error('collector exploded');
    });
    const input = toolCall('read_file', { path: '/srv/projects/a' }, ['/srv/projects/a']);
    expect(() => {
      auditor.record({
        input,
        decision: policy.evaluate(input),
        action: 'forwarded',
        evalMicros: 3,
      });
    }).not.toThrow();
    auditor.close();
    expect(decisions()).toHaveLength(1);
  });

  it('makes the auditor record even with no audit log, for the uploader', () => {
    const seen: string[] = [];
    const auditor = auditorWith((d) => seen.push(d.decisionId), undefined);
    const input = toolCall('read_file', { path: '/srv/projects/a' }, ['/srv/projects/a']);
    auditor.record({ input, decision: policy.evaluate(input), action: 'forwarded', evalMicros: 3 });
    auditor.close();
    expect(seen).toHaveLength(1);
  });
});
