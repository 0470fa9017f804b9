import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type {
  DecisionRecord,
  EndRecord,
  FaultRecord,
  StartRecord,
} from '../../src/audit/audit-record.js';
import { createAuditor } from '../../src/audit/auditor.js';
import { verifyAuditLog } from '../../src/audit/verify-audit-log.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { collectSecrets, NO_SECRETS } from '../../src/secrets/secret-set.js';
import { ping, toolCall } from './helpers/inputs.js';
import { readRecords } from './helpers/read-records.js';
import { compileEngine } from './helpers/wasm-engine.js';

const labels = { server_id: 'filesystem', principal: 'alice', version: '0.1.0' };
let engine: PolicyEngine;

beforeAll(async () => {
  engine = await compileEngine(['baseline.rego', 'system-log.rego']);
});

afterEach(() => {
  vi.restoreAllMocks();
});

function tempLog(): string {
  return join(mkdtempSync(join(tmpdir(), 'auditor-')), 'audit.jsonl');
}

function judge(input: ReturnType<typeof toolCall>) {
  return { input, decision: engine.evaluate(input), evalMicros: 12.5 };
}

type AuditorOptions = Parameters<typeof createAuditor>[0];

/** An auditor on `file` with the test engine, no secrets and no stderr copy unless overridden. */
function openAuditor(file: AuditorOptions['file'], overrides: Partial<AuditorOptions> = {}) {
  return createAuditor({
    file,
    stderr: false,
    policy: engine,
    secrets: NO_SECRETS,
    labels,
    ...overrides,
  });
}

/** Records an allowed, forwarded read of `path`. */
function recordRead(auditor: ReturnType<typeof createAuditor>, path: string): void {
  auditor.record({
    ...judge(toolCall('read_text_file', { path }, [path])),
    action: 'forwarded',
  });
}

describe('createAuditor', () => {
  it('writes a start record, one decision record per judged message and an end record', async () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    const read = judge(
      toolCall('read_text_file', { path: '/srv/projects/README.md' }, ['/srv/projects/README.md']),
    );
    const outside = judge(toolCall('read_text_file', { path: '/etc/shadow' }, ['/etc/shadow']));
    const listing = judge(toolCall('write_file', {}, [], { listing: true }));
    auditor.record({ ...read, action: 'forwarded' });
    auditor.record({ ...outside, action: 'denied' });
    auditor.record({ ...listing, action: 'filtered' });
    auditor.close();

    const [start, allowed, denied, filtered, end] = readRecords(file) as [
      StartRecord,
      DecisionRecord,
      DecisionRecord,
      DecisionRecord,
      EndRecord,
    ];
    expect(start).toMatchObject({
      type: 'start',
      seq: 0,
      prev_hash: null,
      labels,
      policy: { sha256: engine.revision.sha256 },
    });
    expect(allowed).toMatchObject({
      type: 'decision',
      path: 'mcp/decision',
      action: 'forwarded',
      input: {
        operation: { name: 'read_text_file' },
        arguments: { path: '/srv/projects/README.md' },
      },
      result: { allow: true, reasons: ['read inside the roots'] },
      labels,
      policy: { sha256: engine.revision.sha256 },
      metrics: { timer_rego_query_eval_ns: 12500 },
    });
    expect(Date.parse(allowed.timestamp)).not.toBeNaN();
    expect(denied).toMatchObject({
      action: 'denied',
      result: { allow: false, reasons: ['path outside the allowed roots'] },
    });
    expect(filtered).toMatchObject({
      action: 'filtered',
      result: { allow: false },
      input: { operation: { listing: true } },
    });
    expect(new Set([allowed.decision_id, denied.decision_id, filtered.decision_id]).size).toBe(3);
    expect(end).toMatchObject({ type: 'end', seq: 4, records: 3, dropped: 0 });
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok', records: 3, sessions: 1 });
  });

  it('erases and masks arguments as the policy system.log.mask says, and lists them', () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    const input = toolCall(
      'read_text_file',
      { path: 'notes.txt', password: 'hunter2hunter2', api_token: 'tok-123456789' },
      ['notes.txt'],
    );
    auditor.record({ ...judge(input), action: 'forwarded' });
    auditor.close();
    const record = readRecords(file)[1] as DecisionRecord;
    expect(record.erased).toEqual(['/input/arguments/password']);
    expect(record.masked).toEqual(['/input/arguments/api_token']);
    expect(record.input?.arguments).toEqual({ path: 'notes.txt', api_token: '***' });
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2hunter2');
    // The caller's input is not touched.
    expect(input.arguments['password']).toBe('hunter2hunter2');
  });

  it('leaves a record unmasked when no mask rule applies', () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    recordRead(auditor, 'a.txt');
    auditor.close();
    const record = readRecords(file)[1] as DecisionRecord;
    expect(record).not.toHaveProperty('erased');
    expect(record).not.toHaveProperty('masked');
  });

  it('drops an allowed record that system.log.drop selects, and counts it in the end record', () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    auditor.record({
      input: ping(),
      decision: engine.evaluate(ping()),
      action: 'forwarded',
      evalMicros: 3,
    });
    auditor.close();
    const records = readRecords(file);
    expect(records.map((r) => r.type)).toEqual(['start', 'end']);
    expect(records[1]).toMatchObject({ records: 0, dropped: 1 });
  });

  it('never drops a denial, even when system.log.drop selects it', () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    const decision = { allow: false, reasons: ['pings disabled'] };
    auditor.record({ input: ping(), decision, action: 'denied', evalMicros: 3 });
    auditor.close();
    expect(readRecords(file).map((r) => r.type)).toEqual(['start', 'decision', 'end']);
  });

  it('records faults for frames that never became a policy input', () => {
    const file = tempLog();
    const auditor = openAuditor(file);
    auditor.fault({
      direction: 'to_server',
      fault: 'duplicate_key',
      detail: 'duplicate key "method"',
      action: 'denied',
    });
    auditor.fault({
      direction: 'to_client',
      fault: 'oversize_frame',
      detail: 'x'.repeat(5000),
      action: 'dropped',
    });
    auditor.close();
    const [, dup, big] = readRecords(file) as [StartRecord, FaultRecord, FaultRecord];
    expect(dup).toMatchObject({
      type: 'fault',
      direction: 'to_server',
      fault: 'duplicate_key',
      action: 'denied',
      labels,
    });
    expect(big.detail.length).toBeLessThan(1100);
  });

  it('scrubs secret values out of every record before it is written and hashed', async () => {
    const file = tempLog();
    const secrets = collectSecrets({
      env: { GITHUB_TOKEN: 'ghp_0123456789abcdefghij' },
      envFileValues: {},
      secretEnv: [],
      namePatterns: ['TOKEN'],
    });
    const auditor = openAuditor(file, { secrets });
    const input = toolCall(
      'write_file',
      { path: 'x.txt', content: 'token=ghp_0123456789abcdefghij' },
      ['x.txt'],
    );
    auditor.record({ ...judge(input), action: 'denied' });
    auditor.fault({
      direction: 'to_client',
      fault: 'parse_error',
      detail: '{"leak":"ghp_0123456789abcdefghij',
      action: 'dropped',
    });
    auditor.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('ghp_0123456789abcdefghij');
    expect(text).toContain('token=[redacted:GITHUB_TOKEN]');
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok' });
  });

  it('chains a new session onto the end of an existing log', async () => {
    const file = tempLog();
    const first = openAuditor(file);
    recordRead(first, 'a');
    first.close();
    const second = openAuditor(file);
    recordRead(second, 'b');
    second.close();
    const records = readRecords(file);
    expect(records.map((r) => r.type)).toEqual([
      'start',
      'decision',
      'end',
      'start',
      'decision',
      'end',
    ]);
    expect(records.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records[3]).not.toHaveProperty('after_unclean_end');
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok', sessions: 2, records: 2 });
  });

  it('refuses a record after close, so nothing is forwarded unrecorded, but never throws on a fault', () => {
    const auditor = openAuditor(tempLog());
    auditor.close();
    auditor.close();
    expect(() => {
      recordRead(auditor, 'a');
    }).toThrow(/closed/);
    auditor.fault({
      direction: 'to_client',
      fault: 'child_exit',
      detail: 'exit 0',
      action: 'forwarded',
    });
  });

  it('creates missing directories of the log, readable by the owner only', () => {
    const dir = join(dirname(tempLog()), 'new', 'deeper');
    openAuditor(join(dir, 'audit.jsonl')).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(dirname(dir)).mode & 0o777).toBe(0o700);
  });

  it('names the option and the path when the log directory cannot be created', () => {
    const file = tempLog();
    writeFileSync(file, '');
    expect(() => openAuditor(join(file, 'sub', 'audit.jsonl'))).toThrow(
      `Cannot create the \`--audit-log\` directory \`${join(file, 'sub')}\` (ENOTDIR)`,
    );
  });

  it('refuses a second writer on the same log while the first runs, and lets it in after close', () => {
    const file = tempLog();
    const first = openAuditor(file);
    expect(() => openAuditor(file)).toThrow(
      `Another process (pid ${process.pid}) is writing the audit log \`${file}\``,
    );
    first.close();
    expect(existsSync(`${file}.lock`)).toBe(false);
    openAuditor(file).close();
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const file = tempLog();
    writeFileSync(`${file}.lock`, '999999999\n');
    const auditor = openAuditor(file);
    auditor.close();
    expect(await verifyAuditLog(file)).toMatchObject({ state: 'ok' });
  });

  it('writes to a device such as /dev/null without a lock or a tail to chain onto', () => {
    const auditor = openAuditor('/dev/null');
    recordRead(auditor, 'a');
    auditor.close();
    expect(existsSync('/dev/null.lock')).toBe(false);
  });

  it('writes the same lines to stderr when asked', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const file = tempLog();
    const auditor = openAuditor(file, { stderr: true });
    recordRead(auditor, 'a');
    auditor.close();
    vi.restoreAllMocks();
    expect(lines.join('')).toBe(readFileSync(file, 'utf8'));
  });

  it('is a no-op that touches no file when neither a file nor stderr is asked for', () => {
    const file = tempLog();
    const spy = vi.spyOn(process.stderr, 'write');
    const auditor = openAuditor(undefined);
    recordRead(auditor, 'a');
    auditor.close();
    expect(existsSync(file)).toBe(false);
    expect(spy).not.toHaveBeenCalled();
  });
});
