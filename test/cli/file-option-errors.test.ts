import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../audit-e2e/helpers/audit-files.js';
import { FIXTURES, REPO, SHIM } from '../helpers/shim-process.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';
import { withoutRootPowers } from '../helpers/without-root-powers.js';

/**
 * Every file option, given a file the shim cannot use, fails with one line on stderr that names
 * the option, the value and the fix: never a stack trace. A read-only directory needs a process
 * the permissions apply to: as root, the CLI runs without the capabilities that bypass file modes.
 */

const work = tempDir('file-options-');
const readOnly = join(work, 'read-only');
const unreadable = (name: string) => join(work, 'unreadable', name);
const missing = join(work, 'missing');
const aFile = join(work, 'a-file.txt');
const server = ['--', process.execPath, join(FIXTURES, 'echo-server.mjs')];

beforeAll(() => {
  // `nobody` must reach the files under test.
  chmodSync(work, 0o755);
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
  mkdirSync(join(work, 'unreadable'));
  for (const name of ['policy.wasm', 'data.json', 'rules.rego', 'env', 'input.json', 'log.jsonl']) {
    writeFileSync(unreadable(name), '{}\n');
    chmodSync(unreadable(name), 0o000);
  }
  mkdirSync(join(work, 'dir.wasm'));
  writeFileSync(aFile, 'not a directory\n');
  writeFileSync(join(work, 'junk.wasm'), 'not WebAssembly\n');
  writeFileSync(join(work, 'bad.json'), '{ "allowed_tools": \n');
});

function cli(args: readonly string[], env: Record<string, string> = {}) {
  const [command, commandArgs] = withoutRootPowers(process.execPath, [SHIM, ...args]);
  const result = spawnSync(command, commandArgs, {
    cwd: REPO,
    // A closed stdin: a shim that cannot start does not wait for a client's request.
    input: '',
    encoding: 'utf8',
    timeout: 30_000,
    env: { PATH: process.env['PATH'] ?? '', ...stateHomeEnv(), ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Case {
  readonly name: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly code: number;
  /** Each must appear in the one line: the option, the value, the cause or fix. */
  readonly says: readonly string[];
}

const CASES: readonly Case[] = [
  {
    name: '--log-file in a read-only directory',
    args: ['--log-file', join(readOnly, 'shim.log'), ...server],
    code: 78,
    says: ['`--log-file`', join(readOnly, 'shim.log'), 'EACCES', 'a directory you can write to'],
  },
  {
    name: '--log-file in a missing directory',
    args: ['--log-file', join(missing, 'shim.log'), ...server],
    code: 2,
    says: ['`--log-file`', join(missing, 'shim.log'), `Create ${missing} first.`],
  },
  {
    name: '--log-file naming a directory',
    args: ['--log-file', work, ...server],
    code: 2,
    says: ['`--log-file`', work, 'is a directory; name a file inside it'],
  },
  {
    name: '--audit-log in a read-only directory',
    args: ['--audit-log', join(readOnly, 'audit.jsonl'), ...server],
    code: 78,
    says: [
      '`--audit-log`',
      join(readOnly, 'audit.jsonl'),
      'EACCES',
      'a directory you can write to',
    ],
  },
  {
    name: '--audit-log whose missing directory cannot be created',
    args: ['--audit-log', join(readOnly, 'logs', 'audit.jsonl'), ...server],
    code: 78,
    says: ['`--audit-log`', join(readOnly, 'logs'), 'EACCES', 'choose a writable path'],
  },
  {
    name: '--audit-log under a file',
    args: ['--audit-log', join(aFile, 'audit.jsonl'), ...server],
    code: 2,
    says: ['`--audit-log`', join(aFile, 'audit.jsonl'), `${aFile} is not a directory`],
  },
  {
    name: '--audit-log naming a directory',
    args: ['--audit-log', work, ...server],
    code: 2,
    says: ['`--audit-log`', work, 'is a directory; name a file inside it'],
  },
  {
    name: '--audit-log on a full device (/dev/full)',
    args: ['--audit-log', '/dev/full', ...server],
    code: 78,
    says: ['`--audit-log`', '/dev/full', 'ENOSPC', 'free space'],
  },
  {
    name: '--policy missing',
    args: ['--policy', join(missing, 'p.wasm'), ...server],
    code: 2,
    says: ['`--policy`', join(missing, 'p.wasm'), 'No such file'],
  },
  {
    name: '--policy naming a directory',
    args: ['--policy', join(work, 'dir.wasm'), ...server],
    code: 2,
    says: ['`--policy`', join(work, 'dir.wasm'), 'is not a regular file'],
  },
  {
    name: '--policy unreadable',
    args: ['--policy', unreadable('policy.wasm'), ...server],
    code: 78,
    says: ['`--policy`', unreadable('policy.wasm'), 'EACCES', 'Check the path'],
  },
  {
    name: '--policy not WebAssembly',
    args: ['--policy', join(work, 'junk.wasm'), ...server],
    code: 78,
    says: [join(work, 'junk.wasm'), 'is not a valid Wasm module'],
  },
  {
    name: '--rules missing',
    args: ['--rules', join(missing, 'r.rego'), ...server],
    code: 2,
    says: ['`--rules`', join(missing, 'r.rego'), 'No such file'],
  },
  {
    name: '--data missing',
    args: ['--data', join(missing, 'd.json'), ...server],
    code: 2,
    says: ['`--data`', join(missing, 'd.json'), 'No such file'],
  },
  {
    name: '--data unreadable',
    args: ['--data', unreadable('data.json'), ...server],
    code: 78,
    says: ['`--data`', unreadable('data.json'), 'EACCES', 'Check the path'],
  },
  {
    name: '--data not JSON',
    args: ['--data', join(work, 'bad.json'), ...server],
    code: 78,
    says: ['`--data`', join(work, 'bad.json')],
  },
  {
    // Given on the command line, Node 20 itself reads `--env-file` (nodejs/node#54232), so this
    // case uses the variable.
    name: 'MCP_OPA_SHIM_ENV_FILE missing',
    args: server,
    env: { MCP_OPA_SHIM_ENV_FILE: join(missing, '.env') },
    code: 2,
    says: ['`MCP_OPA_SHIM_ENV_FILE`', join(missing, '.env'), 'No such file'],
  },
  {
    name: 'MCP_OPA_SHIM_ENV_FILE unreadable',
    args: server,
    env: { MCP_OPA_SHIM_ENV_FILE: unreadable('env') },
    code: 2,
    says: ['`--env-file`', unreadable('env'), 'EACCES', 'check the path and its permissions'],
  },
  {
    name: '--root missing',
    args: ['--root', missing, ...server],
    code: 2,
    says: ['`--root`', missing, 'No such directory'],
  },
  {
    name: '--path-base naming a file',
    args: ['--path-base', aFile, ...server],
    code: 2,
    says: ['`--path-base`', aFile, 'is not a directory'],
  },
  {
    name: 'eval --input unreadable',
    args: ['eval', '--input', unreadable('input.json')],
    code: 2,
    says: ['`--input`', unreadable('input.json'), 'EACCES', 'Check the path'],
  },
  {
    name: 'audit verify on an unreadable log',
    args: ['audit', 'verify', unreadable('log.jsonl')],
    code: 2,
    says: [unreadable('log.jsonl'), 'EACCES', 'Check the path'],
  },
  {
    name: 'audit summary on a directory',
    args: ['audit', 'summary', work],
    code: 2,
    says: [work, 'got the directory', 'name a log file inside it'],
  },
  {
    name: 'audit replay with a missing --policy',
    args: ['audit', 'replay', '--policy', join(missing, 'p.wasm'), aFile],
    code: 2,
    says: ['`--policy`', join(missing, 'p.wasm'), 'No such file'],
  },
];

describe('file options the shim cannot use', () => {
  it('runs where the read-only directory is read-only to the CLI', () => {
    // Root ignores file modes: without this, the EACCES cases would pass for the wrong reason.
    const [command, args] = withoutRootPowers(process.execPath, [
      '-e',
      `require('node:fs').writeFileSync(${JSON.stringify(join(readOnly, 'probe'))}, '')`,
    ]);
    const write = spawnSync(command, args, { encoding: 'utf8' });
    expect(write.status).not.toBe(0);
    expect(write.stderr).toContain('EACCES');
  });

  it.each(CASES)('$name: one line with the option, value and fix', ({ args, env, code, says }) => {
    const result = cli(args, env);
    expect(result.status).toBe(code);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mcp-opa-shim( audit| eval)?: /);
    expect(lines[0]).not.toMatch(/internal error|\bat .*:\d+:\d+/);
    for (const text of says) expect(lines[0]).toContain(text);
  });

  it('--log-file on a full device: one line, and the session goes on (it is not the audit log)', () => {
    const result = spawnSync(process.execPath, [SHIM, '--log-file', '/dev/full', ...server], {
      cwd: REPO,
      input: `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n');
    expect(result.stderr).toBe(
      'mcp-opa-shim: cannot write to `--log-file` file `/dev/full` (ENOSPC); its log lines are dropped from here on. The audit log is not affected.\n',
    );
  });
});
