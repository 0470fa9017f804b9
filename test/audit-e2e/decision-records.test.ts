import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, REPO } from '../helpers/shim-process.js';
import { auditedShim, ECHO_SERVER, EVERYTHING } from './helpers/audited-shim.js';
import {
  buildBundle,
  decisionsOf,
  describeDecision,
  readLog,
  sha256File,
  tempDir,
  type LoggedDecision,
  type LoggedRecord,
} from './helpers/audit-files.js';

/**
 * Decision records written by the real shim: one per judged message, in OPA's decision-log
 * shape, masked and dropped by the policy's own `system.log` rules.
 */

const EMBEDDED_WASM = join(REPO, 'dist/policy/embedded/policy.wasm');
const MASK_BUNDLE_DIR = join(REPO, 'test/audit-e2e/fixtures/mask-bundle');
const VERSION = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** alice's tier may see `echo` and the `get-*` tools, except `get-env`. */
const TIER_DATA = {
  trust_tiers: { developer: ['alice'] },
  tiers: {
    developer: { servers: { everything: { tools: ['echo', 'get-*'], deny_tools: ['get-env'] } } },
  },
};
const visibleToAlice = (tool: string) =>
  tool === 'echo' || (tool.startsWith('get-') && tool !== 'get-env');

const work = tempDir('audit-e2e-records-');
const allIds: string[] = [];

afterAll(() => {
  // Decision ids are unique across every session of this file, not just within one.
  expect(new Set(allIds).size).toBe(allIds.length);
});

describe('decision records for allowed, denied and filtered messages (embedded policy, tier data)', () => {
  const log = join(work, 'tiers.jsonl');
  const startedAt = Date.now();
  let records: LoggedRecord[];
  let decisions: LoggedDecision[];
  let listed: string[];
  let hiddenCall: Record<string, unknown>;
  let exit: { code: number | null };

  beforeAll(async () => {
    const data = join(work, 'tiers.json');
    writeFileSync(data, JSON.stringify(TIER_DATA));
    const shim = auditedShim(log, [EVERYTHING, 'stdio'], {
      args: ['--data', data, '--principal', 'alice', '--server-id', 'everything'],
    });
    await shim.initialize();
    const list = await shim.request('tools/list');
    listed = (list['result'] as { tools: { name: string }[] }).tools.map((t) => t.name);
    await shim.request('tools/call', { name: 'echo', arguments: { message: 'hello' } });
    await shim.request('tools/call', { name: 'get-sum', arguments: { a: 2, b: 3 } });
    hiddenCall = await shim.request('tools/call', { name: 'gzip-file-as-resource', arguments: {} });
    exit = await shim.close();
    records = readLog(log);
    decisions = decisionsOf(records);
    allIds.push(...decisions.map((d) => d.decision_id));
  }, 60_000);

  it('exits cleanly and frames the session with a start and an end record', () => {
    expect(exit.code).toBe(0);
    expect(records[0]?.type).toBe('start');
    expect(records.at(-1)?.type).toBe('end');
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i));
  });

  it('writes exactly one record per judged client message, in order', () => {
    const judged = decisions.filter((d) => d.action !== 'filtered').map(describeDecision);
    expect(judged).toEqual([
      'initialize',
      'notifications/initialized',
      'tools/list',
      'tools/call echo',
      'tools/call get-sum',
      'tools/call gzip-file-as-resource',
    ]);
  });

  it('records allowed calls as forwarded and the hidden tool call as denied', () => {
    const byOperation = new Map(
      decisions.filter((d) => d.action !== 'filtered').map((d) => [describeDecision(d), d]),
    );
    expect(byOperation.get('tools/call echo')).toMatchObject({
      action: 'forwarded',
      result: { allow: true },
    });
    expect(byOperation.get('tools/call get-sum')).toMatchObject({
      action: 'forwarded',
      result: { allow: true },
    });
    const denied = byOperation.get('tools/call gzip-file-as-resource');
    expect(denied).toMatchObject({ action: 'denied', result: { allow: false } });
    expect(denied?.result?.reasons).toContain('tier_item_not_permitted');
    expect(hiddenCall['error']).toBeDefined();
  });

  it('records one filtered record per tool hidden from the listing, and none for listed tools', () => {
    const filtered = decisions.filter((d) => d.action === 'filtered');
    const hidden = filtered.map((d) => d.input?.operation.name ?? '');
    expect(listed.length).toBeGreaterThan(1);
    expect(listed.every(visibleToAlice)).toBe(true);
    expect(hidden).toContain('get-env');
    expect(hidden).toContain('gzip-file-as-resource');
    expect(hidden.some(visibleToAlice)).toBe(false);
    expect(hidden.filter((name) => listed.includes(name))).toEqual([]);
    expect(new Set(hidden).size).toBe(hidden.length);
    for (const record of filtered) {
      expect(record.input?.operation.listing).toBe(true);
      expect(record.result?.allow).toBe(false);
    }
  });

  it('gives every decision record the fields of an OPA decision-log event', () => {
    const policySha = sha256File(EMBEDDED_WASM);
    for (const record of decisions) {
      expect(record.decision_id).toMatch(UUID);
      expect(record.path).toBe('mcp/decision');
      expect(record.labels).toEqual({
        server_id: 'everything',
        principal: 'alice',
        version: VERSION,
      });
      expect(record.policy).toEqual({ sha256: policySha });
      const when = Date.parse(record['timestamp'] as string);
      expect(record['timestamp']).toMatch(/Z$/);
      expect(when).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(when).toBeLessThanOrEqual(Date.now());
      const evalNs = (record['metrics'] as { timer_rego_query_eval_ns: unknown })
        .timer_rego_query_eval_ns;
      expect(typeof evalNs === 'number' && evalNs > 0).toBe(true);
      expect(record.input).toMatchObject({ version: 1, principal: { id: 'alice' } });
      expect(record.result?.allow).toBe(record.action === 'forwarded');
    }
    expect(new Set(decisions.map((d) => d.decision_id)).size).toBe(decisions.length);
  });

  it('counts every decision in the end record', () => {
    const faults = records.filter((r) => r.type === 'fault' || r.type === 'pin').length;
    expect(records.at(-1)).toMatchObject({
      type: 'end',
      records: decisions.length + faults,
      dropped: 0,
    });
  });
});

describe('masking and dropping with a policy bundle that defines system.log', () => {
  const log = join(work, 'mask.jsonl');
  const received = join(work, 'received.jsonl');
  let bundle: string;
  let records: LoggedRecord[];
  let decisions: LoggedDecision[];
  let text: string;

  beforeAll(async () => {
    bundle = buildBundle(MASK_BUNDLE_DIR, ['mcp/decision', 'system/log/mask', 'system/log/drop']);
    const shim = auditedShim(log, [join(FIXTURES, 'recording-server.mjs')], {
      args: ['--policy', bundle],
      env: { RECORD_FILE: received },
    });
    await shim.initialize();
    await shim.request('ping');
    await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'secretive', password: 'hunter22-pw', api_token: 'tok-abcdef-99' },
    });
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'plain' } });
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'quiet' } });
    await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'forbidden', password: 'pw-of-a-denial' },
    });
    await shim.close();
    text = readFileSync(log, 'utf8');
    records = readLog(log);
    decisions = decisionsOf(records);
    allIds.push(...decisions.map((d) => d.decision_id));
  }, 60_000);

  const call = (textArg: string) =>
    decisions.find(
      (d) => d.input?.message.method === 'tools/call' && d.input.arguments['text'] === textArg,
    );

  it('erases a password pointer and lists it in erased', () => {
    const record = call('secretive');
    expect(record?.['erased']).toEqual(['/input/arguments/password']);
    expect(record?.input?.arguments).not.toHaveProperty('password');
    expect(text).not.toContain('hunter22-pw');
  });

  it('upserts a token and lists it in masked', () => {
    const record = call('secretive');
    expect(record?.['masked']).toEqual(['/input/arguments/api_token']);
    expect(record?.input?.arguments['api_token']).toBe('***');
    expect(text).not.toContain('tok-abcdef-99');
  });

  it('masks only the record: the server still received the password', () => {
    expect(readFileSync(received, 'utf8')).toContain('hunter22-pw');
  });

  it('leaves a record without those arguments untouched', () => {
    const record = call('plain');
    expect(record).toBeDefined();
    expect(record).not.toHaveProperty('erased');
    expect(record).not.toHaveProperty('masked');
    expect(record?.input?.arguments).toEqual({ text: 'plain' });
  });

  it('drops allowed messages the drop rule matches and counts them in the end record', () => {
    expect(decisions.map(describeDecision)).not.toContain('ping');
    expect(call('quiet')).toBeUndefined();
    expect(records.at(-1)).toMatchObject({ type: 'end', dropped: 2 });
  });

  it('still records a denial the drop rule matches, masked', () => {
    const record = call('forbidden');
    expect(record).toMatchObject({
      action: 'denied',
      result: { allow: false },
      erased: ['/input/arguments/password'],
    });
    expect(text).not.toContain('pw-of-a-denial');
  });

  it('stamps the bundle sha256 and its manifest revision on every decision', () => {
    const manifest = JSON.parse(readFileSync(join(MASK_BUNDLE_DIR, '.manifest'), 'utf8')) as {
      revision: string;
    };
    for (const record of decisions) {
      expect(record['policy']).toEqual({ sha256: sha256File(bundle), revision: manifest.revision });
    }
  });
});

describe('masking with a single .rego policy compiled by the shim', () => {
  const maskingRego = join(REPO, 'test/audit-e2e/fixtures/system-masking.rego');
  const plainRego = join(REPO, 'test/e2e/policies/allow-all.rego');

  async function callWithPassword(
    policyArgs: readonly string[],
    log: string,
  ): Promise<LoggedDecision | undefined> {
    const shim = auditedShim(log, [ECHO_SERVER], { args: policyArgs });
    await shim.initialize();
    await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'x', password: 'rego-pw-123' },
    });
    await shim.close();
    const decisions = decisionsOf(readLog(log));
    allIds.push(...decisions.map((d) => d.decision_id));
    return decisions.find((d) => d.input?.message.method === 'tools/call');
  }

  describe('a .rego in package system, run with --entrypoint system/decision', () => {
    const log = join(work, 'rego-mask.jsonl');
    let record: LoggedDecision | undefined;
    beforeAll(async () => {
      record = await callWithPassword(
        ['--policy', maskingRego, '--entrypoint', 'system/decision'],
        log,
      );
    }, 30_000);

    it('applies the system.log.mask rule the file defines', () => {
      expect(record).toMatchObject({ action: 'forwarded', erased: ['/input/arguments/password'] });
      expect(readFileSync(log, 'utf8')).not.toContain('rego-pw-123');
      expect(record?.['policy']).toEqual({ sha256: sha256File(maskingRego) });
    });

    it('names the evaluated entrypoint in path', () => {
      expect(record?.['path']).toBe('system/decision');
    });
  });

  it('records arguments as sent when the policy defines no mask', async () => {
    const log = join(work, 'rego-plain.jsonl');
    const record = await callWithPassword(['--policy', plainRego], log);
    expect(record).toMatchObject({ action: 'forwarded', path: 'mcp/decision' });
    expect(record).not.toHaveProperty('erased');
    expect(record?.input?.arguments['password']).toBe('rego-pw-123');
  }, 30_000);
});
