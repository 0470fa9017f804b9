import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuditor } from '../../src/audit/auditor.js';
import { NO_SECRETS } from '../../src/secrets/secret-set.js';
import { buildBundle, compileEngine } from '../audit/helpers/wasm-engine.js';
import { recordSession } from './helpers/recorded-session.js';
import { audit } from './helpers/run-audit.js';

let log: string;
let baselineBundle: string;
let candidateBundle: string;

beforeAll(async () => {
  log = recordSession(await compileEngine(['baseline.rego', 'system-log.rego']));
  baselineBundle = buildBundle(['baseline.rego', 'system-log.rego']);
  candidateBundle = buildBundle(['candidate.rego']);
});

describe('mcp-opa-shim audit verify', () => {
  it('exits 0 for an intact log and prints its head hash', async () => {
    const { code, stdout } = await audit('verify', log);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /ok, 13 lines, 9 records in 2 session\(s\); last line sha256 [0-9a-f]{64}/,
    );
  });

  it('exits 1 with the first bad line of a tampered log', async () => {
    const lines = readFileSync(log, 'utf8').split('\n');
    const denied = lines.findIndex((l) => l.includes('"allow":false'));
    expect(denied).toBe(2);
    lines[denied] = lines[denied]!.replace('"allow":false', '"allow":true');
    const tampered = `${log}.tampered`;
    writeFileSync(tampered, lines.join('\n'));
    const { code, stdout, stderr } = await audit('verify', tampered);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      `${tampered}:4: tampered: prev_hash does not match the sha256 of line 3`,
    );
  });
});

describe('mcp-opa-shim audit roots', () => {
  it('prints a table of paths with the roots they fall in', async () => {
    const { code, stdout } = await audit('roots', log);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PRINCIPAL +SERVER +OPERATION +PATH +ROOTS +ALLOWED +DENIED$/m);
    expect(stdout).toMatch(/^alice +filesystem +read_text_file +\/etc\/passwd +OUTSIDE +0 +1$/m);
    expect(stdout).toContain(
      '6 path(s) by principal and operation, as the shim judged them when recorded; 2 outside the roots, 0 of them allowed.',
    );
  });

  it('prints JSON with --json and judges against --root', async () => {
    const { code, stdout } = await audit('roots', '--json', '--root', '/home/bob', log);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.roots).toEqual(['/home/bob']);
    expect(
      report.rows
        .filter((r: { within_roots: boolean }) => r.within_roots)
        .map((r: { path: string }) => r.path),
    ).toEqual(['/home/bob/.ssh/id_ed25519']);
  });
});

describe('mcp-opa-shim audit replay', () => {
  it('exits 0 when the candidate policy decides as recorded', async () => {
    const { code, stdout } = await audit('replay', '--policy', baselineBundle, log);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^Replayed 8 decision\(s\) against .*bundle\.tar\.gz \(sha256 [0-9a-f]{12}\): 0 would change/m,
    );
  });

  it('exits 1 and lists the decisions a candidate policy would change', async () => {
    const { code, stdout } = await audit('replay', '--policy', candidateBundle, log);
    expect(code).toBe(1);
    // Each change names the tool and what it acted on: the paths (as given, resolved, inside or
    // outside the roots), then the other arguments.
    expect(stdout).toMatch(
      /^deny→allow +alice +tools\/call write_file +notes\.txt → \/srv\/projects\/notes\.txt \(inside \/srv\/projects\); \{"content":"hi"\} +\S+ +inside the roots$/m,
    );
    expect(stdout).toMatch(
      /^allow→deny +bob +tools\/call get_file_info +src\/main\.ts → \/srv\/projects\/src\/main\.ts \(inside \/srv\/projects\) +\S+ +no rule allows this operation/m,
    );
    expect(stdout).toContain('3 would change (1 allow→deny, 2 deny→allow).');
  });

  it('prints the changes and the policy revision as JSON with --json', async () => {
    const { code, stdout } = await audit('replay', '--json', '--policy', candidateBundle, log);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.policy.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.changed).toHaveLength(3);
    expect(report.changed).toContainEqual(
      expect.objectContaining({
        tool: 'get_file_info',
        subject: 'src/main.ts → /srv/projects/src/main.ts (inside /srv/projects)',
      }),
    );
  });

  it('replays against the embedded default policy when no --policy is given', async () => {
    const { code, stdout, stderr } = await audit('replay', log);
    expect(stderr).toBe('');
    expect([0, 1]).toContain(code);
    expect(stdout).toMatch(/Replayed 8 decision\(s\) against embedded/);
  });

  it('exits 78 with the loader message when the policy cannot be loaded', async () => {
    const bad = `${log}.wasm`;
    writeFileSync(bad, 'not wasm');
    const { code, stderr } = await audit('replay', '--policy', bad, log);
    expect(code).toBe(78);
    expect(stderr).toContain(bad);
  });
});

describe('mcp-opa-shim audit summary', () => {
  it('prints counts and the slowest evaluations', async () => {
    const { code, stdout } = await audit('summary', '--top', '2', log);
    expect(code).toBe(0);
    expect(stdout).toContain('8 decision(s), 1 fault(s), 2 session(s).');
    expect(stdout).toMatch(/^alice +5$/m);
    expect(stdout).toMatch(
      /^Slowest evaluations:\nEVAL µs +WHEN +PRINCIPAL +OPERATION +DECISION\n45\.0 /m,
    );
  });

  it('prints JSON with --json', async () => {
    const { stdout } = await audit('summary', '--json', log);
    expect(JSON.parse(stdout)).toMatchObject({ decisions: 8, by_decision: { allow: 4, deny: 4 } });
  });

  it('counts pin records by status and by tool, in a log that audit verify accepts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'summary-pins-')), 'audit.jsonl');
    const auditor = createAuditor({
      file,
      stderr: false,
      policy: await compileEngine(['baseline.rego']),
      secrets: NO_SECRETS,
      labels: { server_id: 'rug', principal: 'alice', version: '0.1.0' },
    });
    const pinFile = '/state/pins/rug.json';
    auditor.pin({ tool: 'weather', status: 'pinned', file: pinFile });
    auditor.pin({ tool: 'rug_pull', status: 'pinned', file: pinFile });
    auditor.pin({ tool: 'weather', status: 'changed', changed: ['description'], file: pinFile });
    auditor.pin({ tool: 'added_later', status: 'new', file: pinFile });
    auditor.close();

    expect((await audit('verify', file)).stdout).toContain(
      ': ok, 6 lines, 4 records in 1 session(s);',
    );
    const { code, stdout } = await audit('summary', file);
    expect(code).toBe(0);
    expect(stdout).toContain('4 pin record(s): 2 pinned, 1 new, 1 changed.');
    expect(stdout).toMatch(/^PIN +COUNT\n(.+\n){4}/m);
    expect(stdout).toMatch(/^weather changed +1$/m);
    expect(stdout).toMatch(/^alice +4$/m);
    const json = JSON.parse((await audit('summary', '--json', file)).stdout) as unknown;
    expect(json).toMatchObject({
      decisions: 0,
      pins: 4,
      by_pin_status: { pinned: 2, new: 1, changed: 1 },
      by_pin: {
        'weather pinned': 1,
        'rug_pull pinned': 1,
        'weather changed': 1,
        'added_later new': 1,
      },
      by_server: { rug: 4 },
    });
  });

  it('prints no pin section for a log without pin records', async () => {
    const { stdout } = await audit('summary', log);
    expect(stdout).not.toContain('pin record(s)');
    expect(JSON.parse((await audit('summary', '--json', log)).stdout)).toMatchObject({
      pins: 0,
      by_pin_status: {},
    });
  });
});

describe('mcp-opa-shim audit usage errors', () => {
  it.each([
    [['frob'], 'Unknown audit command `frob`'],
    [[], 'Expected an audit command'],
    [['summary'], 'Expected at least one audit log file'],
    [
      ['summary', '--top', '-1', 'x.jsonl'],
      'Expected `--top` to be a non-negative integer, got `-1`',
    ],
    [['roots', '--jsn', 'x.jsonl'], 'Unknown option `--jsn`'],
  ])('exits 2 for %j, naming the problem', async (argv, message) => {
    const { code, stdout, stderr } = await audit(...argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('exits 2 when a log cannot be read', async () => {
    const { code, stderr } = await audit('summary', '/nonexistent/audit.jsonl');
    expect(code).toBe(2);
    expect(stderr).toContain('Cannot read audit log `/nonexistent/audit.jsonl` (ENOENT)');
  });

  it('prints the usage with --help', async () => {
    const { code, stdout } = await audit('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('mcp-opa-shim audit replay');
  });
});
