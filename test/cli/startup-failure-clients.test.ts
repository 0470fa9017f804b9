import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../audit-e2e/helpers/audit-files.js';
import { everythingServer, inspectorCliDir } from '../e2e/helpers/paths.js';
import { FIXTURES, nonProtocolLines, REPO, SHIM, ShimProcess } from '../helpers/shim-process.js';

/**
 * A shim that cannot start still answers the client, so Claude Code and the Inspector show the
 * reason instead of "Connection closed". The built CLI, launched by the real clients.
 */

const run = promisify(execFile);
const work = tempDir('startup-failure-');
const junkPolicy = join(work, 'junk.wasm');
const server = [process.execPath, everythingServer, 'stdio'];

beforeAll(() => {
  writeFileSync(junkPolicy, 'this is not WebAssembly\n');
});

interface Failure {
  readonly name: string;
  readonly shimArgs: readonly string[];
  readonly exitCode: number;
  /** Text of the cause, as the shim writes it on stderr and in the answer. */
  readonly cause: string;
}

const FAILURES: readonly Failure[] = [
  {
    name: 'an unknown option (usage error)',
    shimArgs: ['--bogus', '--', ...server],
    exitCode: 2,
    cause: 'Unknown option `--bogus` for `mcp-opa-shim`.',
  },
  {
    name: 'a policy that cannot be loaded',
    shimArgs: ['--policy', junkPolicy, '--', ...server],
    exitCode: 78,
    cause: `The policy from ${junkPolicy} is not a valid Wasm module`,
  },
  {
    name: 'a server command that cannot be spawned',
    shimArgs: ['--', join(work, 'no-such-server')],
    exitCode: 127,
    cause: `Could not start \`${join(work, 'no-such-server')}\`: no such file. Check the command after \`--\`.`,
  },
];

describe('a shim that cannot start, seen by a raw client', () => {
  it.each(FAILURES)(
    'answers initialize with the cause, then exits with its code: $name',
    async ({ shimArgs, exitCode, cause }) => {
      const shim = new ShimProcess(shimArgs);
      const reply = await shim.initialize();
      expect(reply).toEqual({
        jsonrpc: '2.0',
        id: 1,
        error: { code: -32603, message: expect.stringContaining(cause) },
      });
      expect((reply['error'] as { message: string }).message).toMatch(
        new RegExp(`^mcp-opa-shim could not start \\(exit ${exitCode}\\): `),
      );
      expect((await shim.close()).code).toBe(exitCode);
      expect(shim.stderr).toContain(`mcp-opa-shim: ${cause}`);
      expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
    },
  );

  it('answers a 2026-07-28 client: server/discover, then any other request', async () => {
    const shim = new ShimProcess(['--bogus', '--', ...server]);
    const meta = { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } };
    const discover = await shim.request('server/discover', meta);
    const list = await shim.request('tools/list', meta);
    for (const reply of [discover, list])
      expect(reply['error']).toMatchObject({ message: expect.stringContaining('`--bogus`') });
    expect((await shim.close()).code).toBe(2);
  });

  it('exits at once with its code when stdin is already closed, stdout empty', () => {
    const started = Date.now();
    const result = spawnSync(process.execPath, [SHIM, '--bogus', '--', ...server], {
      cwd: REPO,
      input: '',
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown option `--bogus`');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it.each([
    ['audit', 'verify', '--bogus', 'x.jsonl'],
    ['eval', '--bogus'],
  ])('does not wait for a client on a usage error of a subcommand: %s %s', async (...argv) => {
    const shim = new ShimProcess(argv);
    const started = Date.now();
    expect((await shim.exited).code).toBe(2);
    // A wait for a request would last at least 3 s.
    expect(Date.now() - started).toBeLessThan(2_900);
    expect(shim.stderr).toContain('`--bogus`');
    expect(shim.stdoutLines).toEqual([]);
  });

  it('exits after its bounded wait (3 s) when the client keeps stdin open and never writes', async () => {
    const shim = new ShimProcess(['--bogus', '--', ...server]);
    const started = Date.now();
    const exit = await shim.exited;
    const waited = Date.now() - started;
    expect(exit.code).toBe(2);
    expect(waited).toBeGreaterThanOrEqual(3_000);
    expect(waited).toBeLessThan(15_000);
    expect(shim.stdoutLines).toEqual([]);
  }, 30_000);
});

async function inspect(shimArgs: readonly string[]): Promise<{ code: number; output: string }> {
  const cli = join(inspectorCliDir, 'build/cli.js');
  const args = [cli, '--cli', process.execPath, SHIM, ...shimArgs, '--method', 'tools/list'];
  try {
    const { stdout, stderr } = await run(process.execPath, args, {
      cwd: join(inspectorCliDir, 'build'),
      timeout: 25_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('a shim that cannot start, seen by the MCP Inspector CLI', () => {
  it.each(FAILURES)('shows the cause: $name', async ({ shimArgs, exitCode, cause }) => {
    const { code, output } = await inspect(shimArgs);
    expect(code).toBe(1);
    expect(output).toContain(
      `Failed to connect to MCP server: MCP error -32603: mcp-opa-shim could not start (exit ${exitCode}): ${cause}`,
    );
  });
});

/**
 * `claude mcp list` and `claude mcp get` start each configured server and report its health.
 * Claude Code replaces every substring equal to one of the server's arguments or environment
 * values with `[redacted]` (they may hold secrets), so an option or path given on the command
 * line shows as `[redacted]`; the rest of the cause and its fix show as the shim wrote them.
 */
describe('a shim that cannot start, seen by the claude CLI', () => {
  const home = join(work, 'home');
  const project = join(work, 'project');
  const shimEntry = (args: readonly string[], env: Record<string, string> = {}) => ({
    type: 'stdio',
    command: process.execPath,
    args: [SHIM, ...args],
    env,
  });
  const claude = (args: readonly string[]) =>
    spawnSync(join(REPO, 'node_modules/.bin/claude'), args, {
      cwd: project,
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        HOME: home,
        PATH: process.env['PATH'] ?? '',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      },
    });

  beforeAll(() => {
    mkdirSync(home, { recursive: true });
    mkdirSync(project, { recursive: true });
    const config = {
      mcpServers: {
        'bad-option': shimEntry(['--bogus', '--', ...server]),
        'bad-policy': shimEntry(['--', ...server], { MCP_OPA_SHIM_POLICY: junkPolicy }),
        'bad-log-file': shimEntry(['--', ...server], {
          MCP_OPA_SHIM_LOG_FILE: join(work, 'not-a-dir.txt', 'shim.log'),
        }),
        'no-server': shimEntry(['--', join(work, 'no-such-server')]),
        good: shimEntry(['--', process.execPath, join(FIXTURES, 'echo-server.mjs')]),
      },
    };
    writeFileSync(join(work, 'not-a-dir.txt'), 'a file, not a directory\n');
    writeFileSync(join(home, '.claude.json'), `${JSON.stringify(config, null, 2)}\n`);
  });

  it('`claude mcp list` shows each failed server with the shim message', () => {
    const list = claude(['mcp', 'list']);
    expect(list.status).toBe(0);
    const lineOf = (name: string) =>
      list.stdout.split('\n').find((line) => line.startsWith(`${name}: `)) ?? '';
    expect(lineOf('good')).toContain('✔ Connected');
    expect(lineOf('bad-option')).toContain(
      '✘ Failed to connect — -32603: mcp-opa-shim could not start (exit 2): Unknown option `[redacted]` for `mcp-opa-shim`. Run `mcp-opa-shim --help` for the options; put the server command after `--`.',
    );
    expect(lineOf('bad-policy')).toContain(
      '✘ Failed to connect — -32603: mcp-opa-shim could not start (exit 78): The policy from [redacted] is not a valid Wasm module',
    );
    expect(lineOf('bad-log-file')).toContain(
      '✘ Failed to connect — -32603: mcp-opa-shim could not start (exit 2): Expected `MCP_OPA_SHIM_LOG_FILE` to be a file path in an existing directory',
    );
    expect(lineOf('no-server')).toContain(
      '✘ Failed to connect — -32603: mcp-opa-shim could not start (exit 127): Could not start `[redacted]`: no such file. Check the command after `--`.',
    );
  }, 120_000);

  it('`claude mcp get` shows the shim message as the Issue', () => {
    const get = claude(['mcp', 'get', 'bad-policy']);
    expect(get.stdout).toContain('Status: ✘ Failed to connect');
    expect(get.stdout).toContain(
      'Issue: -32603: mcp-opa-shim could not start (exit 78): The policy from [redacted] is not a valid Wasm module',
    );
  }, 120_000);
});
