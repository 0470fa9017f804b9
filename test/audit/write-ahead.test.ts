import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/audit/audit-record.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import { readRecords } from './helpers/read-records.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '../..');
const viteNode = join(repoRoot, 'node_modules/.bin/vite-node');

function runUntilRecorded(file: string, signal: NodeJS.Signals): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(viteNode, [join(here, 'fixtures/record-then-wait.ts'), file], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Killed the moment record() has returned: nothing after it can flush anything.
      if (out.includes('recorded\n')) child.kill(signal);
    });
    child.on('error', reject);
    child.on('exit', (_code, sig) => {
      resolve(sig);
    });
  });
}

describe('write-ahead', () => {
  it('has the record in the file when the process is killed with SIGKILL right after record() returns', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'write-ahead-')), 'audit.jsonl');
    expect(await runUntilRecorded(file, 'SIGKILL')).toBe('SIGKILL');
    const records = readRecords(file);
    expect(records.map((r) => r.type)).toEqual(['start', 'decision']);
    expect((records[1] as DecisionRecord).input?.message.id).toBe(42);
    // No end record: unterminated, not tampered; the records present verify.
    expect(await verifyAuditLog(file)).toMatchObject({
      state: 'unterminated',
      lines: 2,
      records: 1,
      sessions: 1,
      unterminated: [{ startLine: 1, lastLine: 2, cause: 'log_ends' }],
      tornLines: [],
    });
  });

  it('marks the next session as following an unclean end, and verify reports both sessions unterminated', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'write-ahead-')), 'audit.jsonl');
    await runUntilRecorded(file, 'SIGKILL');
    await runUntilRecorded(file, 'SIGKILL');
    const records = readRecords(file);
    expect(records.map((r) => r.type)).toEqual(['start', 'decision', 'start', 'decision']);
    expect(records[2]).toMatchObject({ after_unclean_end: true, seq: 2 });
    expect(await verifyAuditLog(file)).toMatchObject({
      state: 'unterminated',
      unterminated: [
        { startLine: 1, lastLine: 2, cause: 'restarted' },
        { startLine: 3, lastLine: 4, cause: 'log_ends' },
      ],
    });
  });
});
