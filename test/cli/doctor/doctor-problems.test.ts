import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, OPA_DIR } from '../../helpers/shim-process.js';
import { PINNED_OPA_VERSION } from '../../../src/policy/find-opa.js';
import { checkOf, MEMORY_SERVER, runDoctor, runDoctorJson } from './run-doctor.js';

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'doctor-problems-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

const SERVER = ['--', process.execPath, MEMORY_SERVER];

describe('mcp-opa-shim doctor finds', () => {
  it('a bad option value, naming the option, the value and the fix', () => {
    const { status, report } = runDoctorJson(['--mode', 'enforc', ...SERVER]);
    expect(status).toBe(1);
    expect(report.ok).toBe(false);
    const options = checkOf(report.checks, 'options');
    expect(options.status).toBe('fail');
    expect(options.summary).toBe('Expected `--mode` to be `enforce` or `monitor`, got `enforc`.');
    expect(checkOf(report.checks, 'initialize').status).toBe('skip');
  });

  it('an unknown option, with the near one', () => {
    const { status, report } = runDoctorJson(['--rol', 'admin', ...SERVER]);
    expect(status).toBe(1);
    const options = checkOf(report.checks, 'options');
    expect(options.status).toBe('fail');
    expect(options.summary).toContain('Unknown option `--rol`');
    expect(options.summary).toContain('Did you mean `--role`?');
    // The command is still read as the one after `--`.
    expect(report.subject).toBe(`${process.execPath} ${MEMORY_SERVER}`);
  });

  it('a typo in a data key, with "did you mean"', () => {
    const data = file('typo.yaml', 'allowed_tool:\n  "*": [read_graph]\n');
    const { status, report } = runDoctorJson(['--data', data, ...SERVER]);
    expect(status).toBe(1);
    const policy = checkOf(report.checks, 'policy');
    expect(policy.status).toBe('fail');
    expect(policy.summary).toContain(`Invalid \`--data\` file \`${data}\``);
    expect(policy.summary).toContain(
      'unknown key `allowed_tool` at the top level: did you mean `allowed_tools`? Rename the key.',
    );
    expect(checkOf(report.checks, 'initialize').status).toBe('skip');
  });

  it('data of the wrong type', () => {
    const data = file('type.yaml', 'allowed_tools:\n  alice: read_graph\n');
    const { status, report } = runDoctorJson(['--data', data, ...SERVER]);
    expect(status).toBe(1);
    const policy = checkOf(report.checks, 'policy');
    expect(policy.status).toBe('fail');
    expect(policy.summary).toContain(
      '`/allowed_tools/alice` must be an array, got `"read_graph"`: change the value to an array',
    );
  });

  it('a missing policy file', () => {
    const missing = join(work, 'missing.wasm');
    const { status, report } = runDoctorJson(['--policy', missing, ...SERVER]);
    expect(status).toBe(1);
    const options = checkOf(report.checks, 'options');
    expect(options.status).toBe('fail');
    expect(options.summary).toContain(`No such file: ${missing}.`);
  });

  it('a .rego policy with no `opa` on PATH nor in the install cache', () => {
    const emptyCache = mkdtempSync(join(work, 'cache-'));
    const { status, report } = runDoctorJson(
      ['--policy', `${FIXTURES}/doctor-deny-initialize.rego`, ...SERVER],
      { env: { PATH: '/usr/bin:/bin', XDG_CACHE_HOME: emptyCache } },
    );
    expect(status).toBe(1);
    const opa = checkOf(report.checks, 'opa');
    expect(opa.status).toBe('fail');
    expect(opa.summary).toContain(`there is none on PATH or in ${emptyCache}/mcp-opa-shim/`);
    expect(opa.summary).toContain('go install github.com/open-policy-agent/opa@');
    expect(checkOf(report.checks, 'policy').status).toBe('skip');
  });

  it('a .rego policy with `opa` only in the install cache passes the opa check', () => {
    const cache = mkdtempSync(join(work, 'cache-'));
    const dir = join(cache, 'mcp-opa-shim', `opa-${PINNED_OPA_VERSION}`);
    mkdirSync(dir, { recursive: true });
    symlinkSync(join(OPA_DIR, 'opa'), join(dir, 'opa'));
    const { report } = runDoctorJson(
      ['--policy', `${FIXTURES}/doctor-deny-initialize.rego`, ...SERVER],
      { env: { PATH: '/usr/bin:/bin', XDG_CACHE_HOME: cache } },
    );
    const opa = checkOf(report.checks, 'opa');
    expect(opa.status).toBe('ok');
    expect(opa.summary).toContain(join(dir, 'opa'));
  });

  it('an audit-log directory that cannot be created', () => {
    const blocker = file('not-a-dir', 'a file where a directory should be');
    const auditLog = join(blocker, 'logs', 'audit.jsonl');
    const { status, report } = runDoctorJson(['--audit-log', auditLog, ...SERVER]);
    expect(status).toBe(1);
    const audit = checkOf(report.checks, 'audit-log');
    expect(audit.status).toBe('fail');
    expect(audit.summary).toBe(
      `\`${auditLog}\`: its directory \`${join(blocker, 'logs')}\` does not exist and cannot be created: \`${blocker}\` is not a directory.`,
    );
  });

  it('a --log-file in a directory this user cannot write (file modes applied even to root)', () => {
    const shared = mkdtempSync(join(work, 'shared-'));
    chmodSync(work, 0o755);
    chmodSync(shared, 0o777); // writable by nobody too
    const readOnly = join(shared, 'read-only');
    mkdirSync(readOnly, { mode: 0o555 });
    const asUser = { fileModes: true };
    const { report } = runDoctorJson(['--log-file', join(readOnly, 'shim.log'), ...SERVER], asUser);
    const logFile = checkOf(report.checks, 'log-file');
    expect(logFile.status).toBe('fail');
    expect(logFile.summary).toContain(`the directory \`${readOnly}\` is not writable (EACCES)`);
    expect(logFile.fix).toContain('--log-file');
    const writable = runDoctorJson(['--log-file', join(shared, 'shim.log'), ...SERVER], asUser);
    expect(checkOf(writable.report.checks, 'log-file').status).toBe('ok');
  });

  it('a server command that does not exist', () => {
    const { status, report } = runDoctorJson(['--', 'mcp-doctor-no-such-server', '--stdio']);
    expect(status).toBe(1);
    const command = checkOf(report.checks, 'command');
    expect(command.status).toBe('fail');
    expect(command.summary).toMatch(
      /^The server command `mcp-doctor-no-such-server` is not on the server's PATH \(\d+ directories searched\)\.$/,
    );
    expect(command.fix).toContain('absolute path');
    expect(checkOf(report.checks, 'initialize').status).toBe('skip');
  });

  it('a server path that is not executable', () => {
    const script = file('server.mjs', 'process.exit(0);\n');
    chmodSync(script, 0o644);
    const { status, report } = runDoctorJson(['--', script]);
    expect(status).toBe(1);
    const command = checkOf(report.checks, 'command');
    expect(command.status).toBe('fail');
    expect(command.summary).toBe(`The server command \`${script}\` is not executable.`);
    expect(command.fix).toContain(`node ${script}`);
  });

  it('a server that exits before answering initialize, with its stderr', () => {
    const { status, stdout } = runDoctor([
      '--',
      process.execPath,
      `${FIXTURES}/doctor-exits-early-server.mjs`,
    ]);
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /^FAIL {2}initialize {2}`initialize` through the shim failed with error -32603: The server exited \(exit code 3\)/m,
    );
    expect(stdout).toContain('    doctor-exits-early-server: DATABASE_URL is not set');
    expect(stdout).toMatch(/^skip {2}tools {7}not listed: `initialize` failed\.$/m);
    expect(stdout).toMatch(/^1 of 7 checks failed\.$/m);
  });

  it('a server that never answers initialize, within --timeout-ms', () => {
    const { status, report } = runDoctorJson([
      '--timeout-ms',
      '1500',
      '--',
      process.execPath,
      '-e',
      'process.stdin.resume()',
    ]);
    expect(status).toBe(1);
    const initialize = checkOf(report.checks, 'initialize');
    expect(initialize.status).toBe('fail');
    expect(initialize.summary).toBe('No answer to `initialize` within 1500 ms.');
    expect(initialize.fix).toContain('raise `--timeout-ms`');
  });

  it('a policy that denies initialize, with its reasons and message', () => {
    const { status, report } = runDoctorJson([
      '--policy',
      `${FIXTURES}/doctor-deny-initialize.rego`,
      ...SERVER,
    ]);
    expect(status).toBe(1);
    const initialize = checkOf(report.checks, 'initialize');
    expect(initialize.status).toBe('fail');
    expect(initialize.summary).toBe(
      'The policy denied `initialize` (reasons: no_initialize): initialize is closed for maintenance.',
    );
    // The rest of the setup is sound: only the handshake fails.
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([
      'initialize',
    ]);
  });
});

describe('mcp-opa-shim doctor usage', () => {
  it('exits 2 without a server command or --file', () => {
    const { status, stdout, stderr } = runDoctor(['--json']);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('Expected a server command after the options');
  });

  it('exits 2 on a bad --timeout-ms', () => {
    const { status, stderr } = runDoctor(['--timeout-ms', '0', ...SERVER]);
    expect(status).toBe(2);
    expect(stderr).toContain('Expected `--timeout-ms` to be an integer number of milliseconds');
  });
});

describe('mcp-opa-shim doctor help', () => {
  it('lists doctor in the main help and its own options in doctor --help', () => {
    const main = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(main.stdout).toContain('mcp-opa-shim doctor [options] -- <command> [args...]');
    const { status, stdout } = runDoctor(['--help']);
    expect(status).toBe(0);
    for (const option of ['--file <config>', '--json', '--timeout-ms <ms>'])
      expect(stdout).toContain(`  ${option}`);
    expect(stdout).toContain(
      'Exit status: 0 no check failed (warnings allowed); 1 a check failed; 2 bad usage.',
    );
  });
});
