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
let policy: Awaited<ReturnType<typeof compileEngine>>;
const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };

beforeAll(async () => {
  policy = await compileEngine(['baseline.rego']);
  const file = join(mkdtempSync(join(tmpdir(), 'verify-')), 'audit.jsonl');
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

describe('verifyAuditLog: ok', () => {
  it('accepts an untouched log and reports its head hash', async () => {
    expect(genuine).toHaveLength(8);
    const result = await verifyLines(genuine);
    expect(result).toMatchObject({ state: 'ok', lines: 8, records: 4, sessions: 2 });
    expect(result.state === 'ok' && result.headHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('verifyAuditLog: tampered', () => {
  it('detects a modified record at the line after it', async () => {
    const lines = [...genuine];
    lines[2] = lines[2]!.replace('"allow":false', '"allow":true');
    expect(lines[2]).not.toBe(genuine[2]);
    expect(await verifyLines(lines)).toMatchObject({
      state: 'tampered',
      line: 4,
      reason: expect.stringContaining('line 3 was modified'),
    });
  });

  it('detects a deleted record', async () => {
    const lines = genuine.filter((_, i) => i !== 2);
    expect(await verifyLines(lines)).toMatchObject({ state: 'tampered', line: 3 });
  });

  it('detects reordered records', async () => {
    const lines = [...genuine];
    [lines[1], lines[2]] = [lines[2]!, lines[1]!];
    expect(await verifyLines(lines)).toMatchObject({ state: 'tampered', line: 2 });
  });

  it('detects an inserted record, even one copied from the same log', async () => {
    const lines = [...genuine];
    lines.splice(3, 0, genuine[1]!);
    expect(await verifyLines(lines)).toMatchObject({ state: 'tampered', line: 4 });
  });

  it('detects a removed end record where the next session starts (no restart mark)', async () => {
    const lines = [...genuine.slice(0, 4), ...genuine.slice(5)];
    expect(await verifyLines(lines)).toMatchObject({ state: 'tampered', line: 5 });
  });

  it('detects removed leading records', async () => {
    expect(await verifyLines(genuine.slice(5))).toMatchObject({
      state: 'tampered',
      line: 1,
      reason: expect.stringContaining('first record'),
    });
  });

  it('detects a whole line that is not a record', async () => {
    const lines = [...genuine.slice(0, 3), 'not json', ...genuine.slice(3)];
    expect(await verifyLines(lines)).toMatchObject({ state: 'tampered', line: 4 });
    expect(await verifyLines([...genuine, 'not json'])).toMatchObject({
      state: 'tampered',
      line: 9,
    });
  });

  it('detects a cut-off line followed by anything but a restart', async () => {
    const lines = [...genuine.slice(0, 2), genuine[2]!.slice(0, 30), ...genuine.slice(3)];
    expect(await verifyLines(lines)).toMatchObject({
      state: 'tampered',
      line: 3,
      reason: expect.stringContaining('not a record, and line 4 is no restart'),
    });
  });
});

describe('verifyAuditLog: unterminated', () => {
  it('reports a log whose last session has no end record, the rest verifying', async () => {
    expect(await verifyLines(genuine.slice(0, -1))).toEqual({
      state: 'unterminated',
      lines: 7,
      records: 4,
      sessions: 2,
      headHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      unterminated: [{ startLine: 6, lastLine: 7, cause: 'log_ends' }],
      tornLines: [],
    });
  });

  it('reports a last line cut off mid-write (no newline)', async () => {
    const lines = [...genuine.slice(0, -1), genuine[7]!.slice(0, 20)];
    expect(await verifyLines(lines, '')).toMatchObject({
      state: 'unterminated',
      lines: 8,
      unterminated: [{ startLine: 6, lastLine: 8, cause: 'log_ends' }],
      tornLines: [8],
    });
  });

  it('reports a write cut off mid-line, then a restart by the real writer, as unterminated', async () => {
    // A crash tore the last write of the first session; the next shim closes the line and chains on.
    const file = join(mkdtempSync(join(tmpdir(), 'verify-')), 'audit.jsonl');
    writeFileSync(file, `${genuine.slice(0, 3).join('\n')}\n${genuine[3]!.slice(0, 50)}`);
    createAuditor({ file, stderr: false, policy, secrets: NO_SECRETS, labels }).close();
    const lines = readFileSync(file, 'utf8').split('\n').slice(0, -1);
    expect(JSON.parse(lines[4]!)).toMatchObject({ type: 'start', seq: 0, after_unclean_end: true });
    expect(await verifyAuditLog(file)).toMatchObject({
      state: 'unterminated',
      lines: 6,
      records: 2,
      sessions: 2,
      unterminated: [{ startLine: 1, lastLine: 4, cause: 'restarted' }],
      tornLines: [4],
    });
  });

  it('reports an empty log as unterminated with no records', async () => {
    expect(await verifyLines([])).toMatchObject({ state: 'unterminated', lines: 0, records: 0 });
  });
});
