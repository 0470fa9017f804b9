import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decisionsOf,
  describeDecision,
  readLog,
  runCli,
  tempDir,
  type LoggedDecision,
} from './helpers/audit-files.js';
import { connectFilesystem } from './helpers/filesystem-client.js';

/**
 * The offline commands on a log recorded from real sessions: two principals drive
 * server-filesystem through the shim with a real v1 SDK client. The server is given the wider
 * base directory, so only the shim's `--root` stops reads outside the root.
 */

const base = tempDir('audit-e2e-offline-');
const root = join(base, 'projects');
const outside = join(base, 'outside');
const log = join(base, 'audit.jsonl');
const inRoot = (...parts: string[]) => join(root, ...parts);

interface Row {
  principal: string;
  server: string;
  operation: string;
  path: string;
  within_roots: boolean;
  root: string | null;
  allowed: number;
  denied: number;
  forwarded: number;
}

let decisions: LoggedDecision[];
const outcomes = new Map<string, boolean>();

async function waitForEnd(sessions: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    const ends = readLog(log).filter((r) => r.type === 'end').length;
    if (ends >= sessions) return;
    await sleep(50);
  }
  throw new Error(`the shim did not close session ${sessions} of ${log}`);
}

async function session(principal: string, calls: [string, Record<string, unknown>][], n: number) {
  const fs = await connectFilesystem(
    ['--principal', principal, '--root', root, '--audit-log', log],
    base,
  );
  for (const [tool, args] of calls) {
    const result = await fs.call(tool, args);
    outcomes.set(`${principal} ${tool} ${JSON.stringify(args)}`, !result.isError);
  }
  await fs.close();
  await waitForEnd(n);
}

beforeAll(async () => {
  mkdirSync(inRoot('src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(inRoot('README.md'), '# demo\n');
  writeFileSync(inRoot('src', 'main.ts'), 'export {};\n');
  writeFileSync(join(outside, 'secret.txt'), 'outside secret\n');
  symlinkSync(join(outside, 'secret.txt'), inRoot('link-out'));

  await session(
    'alice',
    [
      ['list_directory', { path: root }],
      ['read_text_file', { path: inRoot('README.md') }],
      ['read_text_file', { path: join(outside, 'secret.txt') }],
      ['write_file', { path: inRoot('notes.txt'), content: 'hello' }],
    ],
    1,
  );
  await session(
    'bob',
    [
      ['read_text_file', { path: inRoot('src', 'main.ts') }],
      ['read_text_file', { path: inRoot('link-out') }],
      ['get_file_info', { path: inRoot('README.md') }],
    ],
    2,
  );
  decisions = decisionsOf(readLog(log));
}, 90_000);

const json = (args: string[]): unknown => {
  const run = runCli(args);
  expect(run.stderr).not.toMatch(/error/i);
  return JSON.parse(run.stdout);
};
const evalNs = (d: LoggedDecision) =>
  (d['metrics'] as { timer_rego_query_eval_ns: number }).timer_rego_query_eval_ns;
const findRow = (rows: readonly Row[], principal: string, operation: string, path: string) =>
  rows.find((r) => r.principal === principal && r.operation === operation && r.path === path);

describe('the recorded sessions', () => {
  it('allowed reads inside the root and denied reads outside it, the symlink escape included', () => {
    expect(
      outcomes.get(`alice read_text_file ${JSON.stringify({ path: inRoot('README.md') })}`),
    ).toBe(true);
    expect(
      outcomes.get(`alice read_text_file ${JSON.stringify({ path: join(outside, 'secret.txt') })}`),
    ).toBe(false);
    expect(outcomes.get(`bob read_text_file ${JSON.stringify({ path: inRoot('link-out') })}`)).toBe(
      false,
    );
    const denied = decisions.filter((d) => d.action === 'denied');
    expect(denied.map((d) => `${d.input?.principal.id} ${describeDecision(d)}`)).toEqual([
      'alice tools/call read_text_file',
      'bob tools/call read_text_file',
    ]);
    expect(denied.every((d) => d.result?.reasons?.includes('path_outside_roots'))).toBe(true);
  });

  it('verifies as an intact two-session chain', () => {
    const run = runCli(['audit', 'verify', log]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('in 2 session(s)');
  });
});

describe('audit roots', () => {
  it('lists every path read or attempted, by principal and tool, with the recorded judgement', () => {
    const report = json(['audit', 'roots', '--json', log]) as {
      rows: Row[];
      roots: string[];
      unknown: number;
    };
    expect(report.roots).toEqual([]);
    expect(report.unknown).toBe(0);
    expect(findRow(report.rows, 'alice', 'list_directory', root)).toMatchObject({
      within_roots: true,
      root,
      allowed: 1,
      denied: 0,
    });
    expect(findRow(report.rows, 'alice', 'read_text_file', inRoot('README.md'))).toMatchObject({
      within_roots: true,
      allowed: 1,
      denied: 0,
      forwarded: 1,
    });
    expect(findRow(report.rows, 'alice', 'write_file', inRoot('notes.txt'))).toMatchObject({
      within_roots: true,
      allowed: 1,
    });
    expect(
      findRow(report.rows, 'alice', 'read_text_file', join(outside, 'secret.txt')),
    ).toMatchObject({ within_roots: false, root: null, allowed: 0, denied: 1, forwarded: 0 });
    // The symlink inside the root is reported by where it leads.
    expect(
      findRow(report.rows, 'bob', 'read_text_file', join(outside, 'secret.txt')),
    ).toMatchObject({ within_roots: false, allowed: 0, denied: 1 });
    expect(findRow(report.rows, 'bob', 'get_file_info', inRoot('README.md'))).toMatchObject({
      within_roots: true,
      allowed: 1,
    });
    // Every path-bearing call is there, and nothing else.
    const calls = decisions.filter((d) => (d.input?.paths.length ?? 0) > 0);
    const counted = report.rows.reduce((sum, r) => sum + r.allowed + r.denied, 0);
    expect(counted).toBe(calls.length);
    expect(calls.length).toBe(7);
  });

  it('prints the same as a table, OUTSIDE marking the denied paths', () => {
    const run = runCli(['audit', 'roots', log]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PRINCIPAL\s+SERVER\s+OPERATION\s+PATH\s+ROOTS\s+ALLOWED\s+DENIED$/);
    const outsideRows = lines.filter((line) => line.includes(' OUTSIDE '));
    expect(outsideRows).toHaveLength(2);
    expect(outsideRows.every((line) => line.includes(join(outside, 'secret.txt')))).toBe(true);
    expect(lines.at(-1)).toBe(
      '7 path(s) by principal and operation, as the shim judged them when recorded; 2 outside the roots, 0 of them allowed.',
    );
  });

  it('judges again against a narrower --root, finding allowed reads outside it', () => {
    const narrower = inRoot('src');
    const report = json(['audit', 'roots', '--json', '--root', narrower, log]) as {
      rows: Row[];
      roots: string[];
    };
    expect(report.roots).toEqual([narrower]);
    expect(findRow(report.rows, 'bob', 'read_text_file', inRoot('src', 'main.ts'))).toMatchObject({
      within_roots: true,
      root: narrower,
    });
    expect(findRow(report.rows, 'alice', 'read_text_file', inRoot('README.md'))).toMatchObject({
      within_roots: false,
      allowed: 1,
    });
    const run = runCli(['audit', 'roots', '--root', narrower, log]);
    expect(run.stdout.trim().split('\n').at(-1)).toBe(
      `7 path(s) by principal and operation, judged against --root ${narrower}; 6 outside the roots, 4 of them allowed.`,
    );
  });
});

describe('audit summary', () => {
  interface Summary {
    decisions: number;
    faults: number;
    sessions: number;
    by_principal: Record<string, number>;
    by_decision: Record<string, number>;
    by_action: Record<string, number>;
    pins: number;
    by_pin_status: Record<string, number>;
    slowest: { eval_us: number; decision_id: string }[];
  }

  it('counts decisions by principal, decision and action, as the log holds them', () => {
    const summary = json(['audit', 'summary', '--json', log]) as Summary;
    const count = (key: (d: LoggedDecision) => string) =>
      decisions.reduce<Record<string, number>>(
        (acc, d) => ({ ...acc, [key(d)]: (acc[key(d)] ?? 0) + 1 }),
        {},
      );
    expect(summary.sessions).toBe(2);
    expect(summary.decisions).toBe(decisions.length);
    expect(summary.by_decision).toEqual(count((d) => (d.result?.allow ? 'allow' : 'deny')));
    expect(summary.by_decision['deny']).toBe(2);
    const faults = readLog(log).filter((r) => r.type === 'fault');
    expect(summary.faults).toBe(faults.length);
    // Fault records (the server exiting) count under their action too.
    const actions = count((d) => d.action);
    for (const fault of faults) {
      const action = fault['action'] as string;
      actions[action] = (actions[action] ?? 0) + 1;
    }
    expect(summary.by_action).toEqual(actions);
    // Pin records (the tools the first listing pinned) count under their principal too.
    const pins = readLog(log).filter((r) => r.type === 'pin');
    expect(pins.length).toBeGreaterThan(0);
    expect(summary.pins).toBe(pins.length);
    expect(summary.by_pin_status).toEqual({ pinned: pins.length });
    expect(summary.by_principal['alice']! + summary.by_principal['bob']!).toBe(
      decisions.length + faults.length + pins.length,
    );
  });

  it('lists the slowest evaluations, slowest first, from the recorded eval times', () => {
    const summary = json(['audit', 'summary', '--json', '--top', '3', log]) as Summary;
    const slowestFirst = [...decisions]
      .sort((a, b) => evalNs(b) - evalNs(a))
      .map((d) => d.decision_id);
    expect(summary.slowest.map((s) => s.decision_id)).toEqual(slowestFirst.slice(0, 3));
    expect(summary.slowest[0]?.eval_us).toBeCloseTo(
      evalNs(decisions.find((d) => d.decision_id === slowestFirst[0])!) / 1000,
      0,
    );
    const table = runCli(['audit', 'summary', '--top', '3', log]).stdout;
    expect(table).toContain(`${decisions.length} decision(s)`);
    expect(table).toMatch(/Slowest evaluations:\nEVAL µs/);
  });
});

describe('audit replay', () => {
  interface Replay {
    evaluated: number;
    changed: {
      decision_id: string;
      principal: string;
      operation: string;
      change: string;
      reason: string;
    }[];
  }

  it('exits 0 when the same policy and roots judge every recorded decision the same', () => {
    const run = runCli(['audit', 'replay', '--root', root, log]);
    expect(run.stdout).toContain(`Replayed ${decisions.length} decision(s)`);
    expect(run.stdout).toContain('0 would change');
    expect(run.status).toBe(0);
  });

  it('lists the decisions stricter data would change, and exits 1', () => {
    const stricter = join(base, 'read-only.yaml');
    writeFileSync(
      stricter,
      'allowed_tools:\n  "*": [read_text_file, list_directory, get_file_info]\n',
    );
    const run = runCli(['audit', 'replay', '--json', '--data', stricter, log]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Replay;
    const write = decisions.find((d) => describeDecision(d) === 'tools/call write_file');
    expect(report.changed).toEqual([
      expect.objectContaining({
        decision_id: write?.decision_id,
        principal: 'alice',
        change: 'allow→deny',
        operation: 'tools/call write_file',
      }),
    ]);
    expect(report.changed[0]?.reason).toContain('tool_not_in_allow_list');
    const table = runCli(['audit', 'replay', '--data', stricter, log]);
    expect(table.status).toBe(1);
    expect(table.stdout).toMatch(/allow→deny\s+alice\s+tools\/call write_file/);
  });

  it('finds the reads a narrower --root would deny', () => {
    const run = runCli(['audit', 'replay', '--json', '--root', inRoot('src'), log]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as Replay;
    const changed = report.changed.map((c) => `${c.principal} ${c.operation} ${c.change}`).sort();
    // Everything allowed outside src/ turns to deny; the read inside src/ and the denials stay.
    expect(changed).toEqual([
      'alice tools/call list_directory allow→deny',
      'alice tools/call read_text_file allow→deny',
      'alice tools/call write_file allow→deny',
      'bob tools/call get_file_info allow→deny',
    ]);
  });
});
