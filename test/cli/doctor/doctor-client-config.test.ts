import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../../helpers/shim-process.js';
import { checkOf, MEMORY_SERVER, runDoctor, runDoctorJson, type Check } from './run-doctor.js';

let work: string;

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'doctor-client-config-')));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function config(relativePath: string, value: unknown): string {
  const path = join(work, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

function entryChecks(checks: readonly Check[], entry: string): Check[] {
  return checks.filter((c) => c.entry === entry);
}

/** The shim's bin run by node, as an entry written for a clone would launch it. */
const SHIM = { command: process.execPath, args: [BIN] };
const MEMORY = [process.execPath, MEMORY_SERVER];

describe('mcp-opa-shim doctor --file', () => {
  it('checks each Claude Desktop entry: wrapped ones fully, unwrapped ones warned, HTTP ones not checked', () => {
    const file = config('claude/claude_desktop_config.json', {
      mcpServers: {
        memory: { ...SHIM, args: [...SHIM.args, '--principal', 'alice', '--', ...MEMORY] },
        broken: { ...SHIM, args: [...SHIM.args, '--mode', 'enforc', '--', ...MEMORY] },
        plain: { command: process.execPath, args: [MEMORY_SERVER] },
        remote: { url: 'https://example.com/mcp' },
      },
    });
    const { status, report } = runDoctorJson(['--file', file]);
    expect(status).toBe(1);
    expect(report.subject).toBe(`${file} (claude-desktop)`);
    expect(checkOf(report.checks, 'file').summary).toBe(
      `\`${file}\`: claude-desktop config with 4 server(s).`,
    );

    const memory = entryChecks(report.checks, 'memory');
    expect(memory.map((c) => [c.id, c.status])).toEqual([
      ['entry', 'ok'],
      ['options', 'ok'],
      ['opa', 'skip'],
      ['policy', 'ok'],
      ['audit-log', 'skip'],
      ['command', 'ok'],
      ['initialize', 'ok'],
      ['tools', 'ok'],
    ]);
    expect(checkOf(memory, 'options').summary).toContain('principal `alice`');

    const broken = entryChecks(report.checks, 'broken');
    expect(checkOf(broken, 'options')).toMatchObject({
      status: 'fail',
      summary: 'Expected `--mode` to be `enforce` or `monitor`, got `enforc`.',
    });

    expect(entryChecks(report.checks, 'plain')).toEqual([
      expect.objectContaining({
        id: 'entry',
        status: 'warn',
        summary: `not wrapped: \`${[process.execPath, MEMORY_SERVER].join(' ')}\` runs without the shim, so no policy applies to it.`,
      }),
    ]);
    expect(entryChecks(report.checks, 'remote')).toEqual([
      expect.objectContaining({
        id: 'entry',
        status: 'skip',
        summary:
          'HTTP server at `https://example.com/mcp`: not checked, the shim wraps stdio servers only.',
      }),
    ]);
  });

  it('passes a config that `wrap` has just wrapped', () => {
    const file = config('wrapped/claude_desktop_config.json', {
      mcpServers: {
        memory: {
          command: process.execPath,
          args: [MEMORY_SERVER],
          env: { MEMORY_FILE_PATH: join(work, 'wrapped/memory.json') },
        },
      },
    });
    const wrap = spawnSync(
      process.execPath,
      [BIN, 'wrap', '--file', file, '--audit-log', join(work, 'wrapped/{server}.jsonl')],
      { encoding: 'utf8' },
    );
    expect(wrap.status).toBe(0);
    const { status, report } = runDoctorJson(['--file', file]);
    expect(status).toBe(0);
    expect(entryChecks(report.checks, 'memory').map((c) => [c.id, c.status])).toEqual([
      ['entry', 'ok'],
      ['options', 'ok'],
      ['opa', 'skip'],
      ['policy', 'ok'],
      ['audit-log', 'ok'],
      ['command', 'ok'],
      ['initialize', 'ok'],
      ['tools', 'ok'],
    ]);
    expect(checkOf(report.checks, 'audit-log').summary).toBe(
      `\`${join(work, 'wrapped/memory.jsonl')}\`: the directory is writable; the file will be created.`,
    );
  });

  it("passes the entry's env block to the checks (Cursor: a shim option set in env)", () => {
    const file = config('project/.cursor/mcp.json', {
      mcpServers: {
        memory: {
          ...SHIM,
          args: [...SHIM.args, '--', ...MEMORY],
          env: { MCP_OPA_SHIM_MODE: 'enforc' },
        },
      },
    });
    const { status, report } = runDoctorJson(['--file', file]);
    expect(status).toBe(1);
    expect(report.subject).toBe(`${file} (cursor)`);
    expect(checkOf(report.checks, 'options').summary).toBe(
      'Expected `MCP_OPA_SHIM_MODE` to be `enforce` or `monitor`, got `enforc`.',
    );
  });

  it('recognises `npx -y mcp-opa-shim` in a Claude Code .mcp.json and passes with a warning only (exit 0)', () => {
    const file = config('code/.mcp.json', {
      mcpServers: {
        memory: {
          type: 'stdio',
          command: 'npx',
          args: ['-y', 'mcp-opa-shim', '--role', 'reader', '--', ...MEMORY],
        },
        docs: { type: 'http', url: 'https://example.com/docs/mcp' },
        plain: { type: 'stdio', command: process.execPath, args: [MEMORY_SERVER] },
      },
    });
    const { status, stdout } = runDoctor(['--file', file]);
    expect(status).toBe(0);
    expect(stdout).toContain(`mcp-opa-shim doctor: ${file} (claude-code)\n`);
    expect(stdout).toMatch(/^\[memory\]\nok {4}entry {7}wrapped: /m);
    expect(stdout).toMatch(
      /^ok {4}initialize {2}`memory-server` \S+ answered `initialize` through the shim\.$/m,
    );
    expect(stdout).toMatch(
      /^\[docs\]\nskip {2}entry {7}HTTP server at `https:\/\/example.com\/docs\/mcp`/m,
    );
    expect(stdout).toMatch(/^\[plain\]\nwarn {2}entry {7}not wrapped: /m);
    expect(stdout).toMatch(/^No problems found \(\d+ checks, 1 warning\(s\)\)\.$/m);
  });

  it("reads VS Code's `servers` key", () => {
    const file = config('vs/.vscode/mcp.json', {
      servers: {
        remote: { type: 'sse', url: 'https://example.com/sse' },
        missing: {
          type: 'stdio',
          ...SHIM,
          args: [...SHIM.args, '--', 'mcp-doctor-no-such-server'],
        },
      },
    });
    const { status, report } = runDoctorJson(['--file', file]);
    expect(status).toBe(1);
    expect(report.subject).toBe(`${file} (vscode)`);
    expect(checkOf(entryChecks(report.checks, 'remote'), 'entry').summary).toContain('SSE server');
    expect(checkOf(entryChecks(report.checks, 'missing'), 'command').status).toBe('fail');
  });

  it('fails on a file it cannot read or parse', () => {
    const missing = join(work, 'nope.json');
    const unread = runDoctorJson(['--file', missing]);
    expect(unread.status).toBe(1);
    expect(unread.report.checks).toEqual([
      expect.objectContaining({
        id: 'file',
        status: 'fail',
        summary: `Cannot read \`--file\` \`${missing}\` (ENOENT).`,
      }),
    ]);
    const broken = join(work, 'broken.json');
    writeFileSync(broken, '{ "mcpServers": { ');
    const parsed = runDoctorJson(['--file', broken]);
    expect(parsed.status).toBe(1);
    expect(checkOf(parsed.report.checks, 'file').summary).toMatch(
      /is not valid JSON \(first error at line 1/,
    );
  });

  it("finds a client's own config with --client (Cursor: ~/.cursor/mcp.json)", () => {
    const home = join(work, 'home');
    config('home/.cursor/mcp.json', {
      mcpServers: { plain: { command: process.execPath, args: [MEMORY_SERVER] } },
    });
    const { status, report } = runDoctorJson(['--client', 'cursor'], { env: { HOME: home } });
    expect(status).toBe(0);
    expect(report.subject).toBe(`${join(home, '.cursor/mcp.json')} (cursor)`);
    expect(checkOf(report.checks, 'entry')).toMatchObject({
      status: 'warn',
      entry: 'plain',
      fix: `Wrap it: \`mcp-opa-shim wrap --file ${join(home, '.cursor/mcp.json')} --only plain\`.`,
    });
  });

  it("hides a credential from the entry's env block that its args repeat", () => {
    const secret = 'sk-doctor-entry-secret-42';
    const file = config('secret/.cursor/mcp.json', {
      mcpServers: {
        plain: {
          command: process.execPath,
          args: [MEMORY_SERVER, `--key=${secret}`],
          env: { SERVICE_TOKEN: secret },
        },
      },
    });
    const { stdout } = runDoctor(['--file', file]);
    expect(stdout).not.toContain(secret);
    expect(stdout).toContain('--key=[redacted:SERVICE_TOKEN]');
  });

  it('refuses an unknown --client (exit 2)', () => {
    const { status, stderr } = runDoctor(['--client', 'cursr']);
    expect(status).toBe(2);
    expect(stderr).toContain('Expected `--client` to be one of claude-desktop, claude-code');
  });

  it('refuses shim options next to --file (exit 2)', () => {
    const { status, stderr } = runDoctor(['--file', join(work, 'x.json'), '--root', work]);
    expect(status).toBe(2);
    expect(stderr).toContain('Expected `--file` alone');
  });
});
