import fs, { mkdtempSync, readFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DecisionRecord, EndRecord } from '../../src/audit/audit-record.js';
import { createAuditor } from '../../src/audit/auditor.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { NO_SECRETS } from '../../src/secrets/secret-set.js';
import { toolCall } from './helpers/inputs.js';
import { readRecords } from './helpers/read-records.js';
import { compileEngine } from './helpers/wasm-engine.js';

const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await compileEngine(['baseline.rego']);
});

afterEach(() => {
  vi.restoreAllMocks();
  syncBuiltinESMExports();
});

function openAuditor() {
  const file = join(mkdtempSync(join(tmpdir(), 'group-commit-')), 'audit.jsonl');
  const auditor = createAuditor({
    file,
    stderr: false,
    policy: engine,
    secrets: NO_SECRETS,
    labels,
  });
  return { file, auditor };
}

function recordCall(auditor: ReturnType<typeof createAuditor>, id: number): void {
  const input = toolCall('read_text_file', { path: `f${String(id)}` }, [`f${String(id)}`], { id });
  auditor.record({ input, decision: engine.evaluate(input), action: 'forwarded', evalMicros: 1 });
}

/** Counts the writes to files (not stdout/stderr) from here on. */
function countFileWrites(): { readonly count: () => number } {
  let writes = 0;
  const original = fs.writeSync.bind(fs);
  vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, ...rest: unknown[]) => {
    if (fd > 2) writes += 1;
    return (original as (...args: unknown[]) => number)(fd, ...rest);
  }));
  syncBuiltinESMExports();
  return { count: () => writes };
}

/** Every write to a file fails with ENOSPC from here on, until the test ends. */
function fillTheDisk(): void {
  vi.spyOn(fs, 'writeSync').mockImplementation(() => {
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  });
  syncBuiltinESMExports();
}

describe('group commit', () => {
  it('holds the records of a batch in memory and writes them, chained in order, in one write', async () => {
    const { file, auditor } = openAuditor();
    const lines = readFileSync(file, 'utf8');
    const writes = countFileWrites();
    auditor.holdRecords();
    for (const id of [1, 2, 3, 4, 5]) recordCall(auditor, id);
    expect(readFileSync(file, 'utf8')).toBe(lines);
    auditor.flushRecords();
    expect(writes.count()).toBe(1);
    const records = readRecords(file);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records.slice(1).map((r) => (r as DecisionRecord).input?.message.id)).toEqual([
      1, 2, 3, 4, 5,
    ]);
    auditor.releaseRecords();
    recordCall(auditor, 6);
    expect(writes.count()).toBe(2);
    auditor.close();
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok', records: 6, sessions: 1 });
  });

  it('writes held records with the end record when closed while holding', async () => {
    const { file, auditor } = openAuditor();
    auditor.holdRecords();
    recordCall(auditor, 1);
    auditor.close();
    expect(readRecords(file).map((r) => r.type)).toEqual(['start', 'decision', 'end']);
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok', records: 1 });
  });

  it('throws when a held decision cannot be written, drops the group and chains the next record onto the last one written', async () => {
    const { file, auditor } = openAuditor();
    auditor.holdRecords();
    recordCall(auditor, 1);
    auditor.flushRecords();
    recordCall(auditor, 2);
    recordCall(auditor, 3);
    fillTheDisk();
    expect(() => {
      auditor.flushRecords();
    }).toThrow(/`--audit-log` file .*ENOSPC.*not forwarded/);
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    recordCall(auditor, 4);
    auditor.close();
    const records = readRecords(file);
    expect(records.map((r) => (r as DecisionRecord).input?.message.id)).toEqual([
      undefined,
      1,
      4,
      undefined,
    ]);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
    expect((records.at(-1) as EndRecord).records).toBe(2);
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok', records: 2 });
  });

  it('does not throw when only held faults are lost, and counts them as unwritten', async () => {
    const { file, auditor } = openAuditor();
    auditor.holdRecords();
    auditor.fault({ direction: 'to_server', fault: 'parse_error', detail: 'x', action: 'denied' });
    fillTheDisk();
    expect(() => {
      auditor.flushRecords();
    }).not.toThrow();
    vi.restoreAllMocks();
    syncBuiltinESMExports();
    auditor.releaseRecords();
    auditor.close();
    expect(readRecords(file).at(-1)).toMatchObject({ type: 'end', records: 0, unwritten: 1 });
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok' });
  });
});
