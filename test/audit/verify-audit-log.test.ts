import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditor } from '../../src/audit/auditor.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import { NO_SECRETS } from '../../src/secrets/secret-set.js';
import { toolCall } from './helpers/inputs.js';
import { compileEngine } from './helpers/wasm-engine.js';

/** Lines of a genuine two-session log: start, 3 decisions, end, start, 1 decision, end. */
let genuine: string[];

beforeAll(async () => {
  const policy = await compileEngine(['baseline.rego']);
  const file = join(mkdtempSync(join(tmpdir(), 'verify-')), 'audit.jsonl');
  const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };
  for (const names of [['a.txt', '/etc/passwd', 'b.txt'], ['c.txt']]) {
    const auditor = createAuditor({ file, stderr: false, policy, secrets: NO_SECRETS, labels });
    for (const name of names) {
      const input = toolCall('read_text_file', { path: name }, [name]);
      const decision = policy.evaluate(input);
      auditor.record({
        input,
        decision,
        action: decision.allow ? 'forwarded' : 'denied',
        evalMicros: 10,
      });
    }
    auditor.close();
  }
  genuine = readFileSync(file, 'utf8').split('\n').slice(0, -1);
});

async function verifyLines(lines: readonly string[], trailer = '\n') {
  const file = join(mkdtempSync(join(tmpdir(), 'verify-')), 'audit.jsonl');
  writeFileSync(file, lines.join('\n') + (lines.length > 0 ? trailer : ''));
  return verifyAuditLog(file);
}

describe('verifyAuditLog', () => {
  it('accepts an untouched log and reports its head hash', async () => {
    expect(genuine).toHaveLength(8);
    const result = await verifyLines(genuine);
    expect(result).toMatchObject({ ok: true, lines: 8, records: 4, sessions: 2 });
    expect(result.ok && result.headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('detects a modified record at the line after it', async () => {
    const lines = [...genuine];
    lines[2] = lines[2]!.replace('"allow":false', '"allow":true');
    expect(lines[2]).not.toBe(genuine[2]);
    expect(await verifyLines(lines)).toMatchObject({
      ok: false,
      line: 4,
      reason: expect.stringContaining('line 3 was modified'),
    });
  });

  it('detects a deleted record', async () => {
    const lines = genuine.filter((_, i) => i !== 2);
    expect(await verifyLines(lines)).toMatchObject({ ok: false, line: 3 });
  });

  it('detects reordered records', async () => {
    const lines = [...genuine];
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect(await verifyLines(lines)).toMatchObject({ ok: false, line: 2 });
  });

  it('detects an inserted record, even one copied from the same log', async () => {
    const lines = [...genuine];
    lines.splice(3, 0, genuine[1]!);
    expect(await verifyLines(lines)).toMatchObject({ ok: false, line: 4 });
  });

  it('detects a log whose last session has no end record', async () => {
    expect(await verifyLines(genuine.slice(0, -1))).toEqual({
      ok: false,
      line: 8,
      reason: 'missing end record: the log stops after line 7',
    });
  });

  it('detects a session cut off before the next one starts', async () => {
    const lines = [...genuine.slice(0, 4), ...genuine.slice(5)];
    expect(await verifyLines(lines)).toMatchObject({ ok: false, line: 5 });
  });

  it('detects removed leading records', async () => {
    expect(await verifyLines(genuine.slice(5))).toMatchObject({
      ok: false,
      line: 1,
      reason: expect.stringContaining('first record'),
    });
  });

  it('detects a torn last line', async () => {
    const lines = [...genuine.slice(0, -1), genuine[7]!.slice(0, 20)];
    expect(await verifyLines(lines, '')).toMatchObject({
      ok: false,
      line: 8,
      reason: 'not valid JSON',
    });
  });

  it('detects an empty log', async () => {
    expect(await verifyLines([])).toMatchObject({ ok: false, line: 1 });
  });
});
