import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../audit-e2e/helpers/audit-files.js';
import { FIXTURES, REPO, SHIM } from '../helpers/shim-process.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * The shim's own log lines: human-readable (pino-pretty) when stderr is a terminal, JSON lines
 * otherwise; `--log-format` / `MCP_OPA_SHIM_LOG_FORMAT` force either. The terminal is a real
 * pseudo-terminal (Python's pty module) holding only the shim's stderr: stdin and stdout stay
 * pipes, as under a client.
 */

const onPty = fileURLToPath(new URL('./fixtures/stderr-on-pty.py', import.meta.url));
const work = tempDir('log-format-');
const session = `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' })}\n`;
const server = ['--', process.execPath, join(FIXTURES, 'echo-server.mjs')];

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  /** What the shim wrote on its stderr. */
  readonly stderr: string;
}

function shim(args: readonly string[], how: { terminal: boolean; env?: Record<string, string> }) {
  const env = { PATH: process.env['PATH'] ?? '', ...stateHomeEnv(), ...how.env };
  if (!how.terminal) {
    const run = spawnSync(process.execPath, [SHIM, ...args], {
      cwd: REPO,
      input: session,
      encoding: 'utf8',
      env,
    });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr } satisfies Run;
  }
  const capture = join(work, `pty-${Math.random().toString(36).slice(2)}.txt`);
  const run = spawnSync('python3', [onPty, capture, process.execPath, SHIM, ...args], {
    cwd: REPO,
    input: session,
    encoding: 'utf8',
    env,
    timeout: 30_000,
  });
  return {
    status: run.status,
    stdout: run.stdout,
    stderr: readFileSync(capture, 'utf8'),
  } satisfies Run;
}

const JSON_LINE =
  /^\{"level":30,"time":\d+,"pid":\d+,"name":"mcp-opa-shim",.*"msg":"server started"\}$/m;
// pino-pretty's layout: `[HH:MM:ss.l] INFO (mcp-opa-shim): server started`, then the fields.
const PRETTY_LINE =
  // eslint-disable-next-line no-control-regex -- colour codes are what a terminal gets
  /^\[\d\d:\d\d:\d\d\.\d{3}\] (\x1b\[32m)?INFO(\x1b\[39m)? \(mcp-opa-shim\): (\x1b\[36m)?server started/m;

describe('log format', () => {
  it('is human-readable, coloured, when stderr is a terminal', () => {
    const run = shim(server, { terminal: true });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n');
    expect(run.stderr).toMatch(PRETTY_LINE);
    expect(run.stderr).toContain('\x1b[32mINFO\x1b[39m');
    expect(run.stderr).toMatch(/serverPid.*: \d+/);
    expect(run.stderr).not.toContain('"level":30');
  });

  it('is uncoloured on a terminal when NO_COLOR is set', () => {
    const run = shim(server, { terminal: true, env: { NO_COLOR: '1' } });
    expect(run.stderr).toMatch(PRETTY_LINE);
    expect(run.stderr).not.toContain('\x1b[');
  });

  it('is JSON lines when stderr is not a terminal', () => {
    const run = shim(server, { terminal: false });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(JSON_LINE);
    expect(run.stderr).not.toMatch(PRETTY_LINE);
  });

  it('is JSON on a terminal with --log-format json, and with MCP_OPA_SHIM_LOG_FORMAT=json', () => {
    for (const run of [
      shim(['--log-format', 'json', ...server], { terminal: true }),
      shim(server, { terminal: true, env: { MCP_OPA_SHIM_LOG_FORMAT: 'json' } }),
    ]) {
      expect(run.status).toBe(0);
      expect(run.stderr.replaceAll('\r\n', '\n')).toMatch(JSON_LINE);
      expect(run.stderr).not.toMatch(PRETTY_LINE);
    }
  });

  it('is pretty, without colours, off a terminal with --log-format pretty', () => {
    const run = shim(['--log-format', 'pretty', ...server], { terminal: false });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(PRETTY_LINE);
    expect(run.stderr).not.toContain('\x1b[');
  });

  it('writes JSON to --log-file even when stderr is a terminal', () => {
    const file = join(work, 'shim.log');
    const run = shim(['--log-file', file, ...server], { terminal: true });
    expect(run.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(JSON_LINE);
    expect(run.stderr).not.toMatch(PRETTY_LINE);
  });

  it('scrubs secrets before formatting a pretty line', () => {
    // A frame with a duplicated key is refused, and the log line quotes the key.
    const secret = 'sk-test-0123456789abcdef';
    const frame = `{"jsonrpc":"2.0","id":1,"method":"a","params":{"${secret}":1,"${secret}":2}}\n`;
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [SHIM, '--log-format', 'pretty', ...server], {
        cwd: REPO,
        input: frame,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'] ?? '', ...stateHomeEnv(), ...env },
      }).stderr;
    expect(run({})).toContain(`detail: "duplicate key \\"${secret}\\""`);
    const scrubbed = run({ API_TOKEN: secret });
    expect(scrubbed).toContain('detail: "duplicate key \\"[redacted:API_TOKEN]\\""');
    expect(scrubbed).not.toContain(secret);
  });

  it('rejects an unknown format, naming the option, the value and the choices', () => {
    const run = shim(['--log-format', 'fancy', ...server], { terminal: false });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'mcp-opa-shim: Expected `--log-format` to be one of `auto`, `pretty`, `json`, got `fancy`.\n',
    );
  });
});
