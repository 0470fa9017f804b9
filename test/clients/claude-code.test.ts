import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyEdits, modify } from 'jsonc-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertShimBuilt } from '../e2e/helpers/paths.js';
import { BIN, REPO } from '../helpers/shim-process.js';

/**
 * The real Claude Code CLI (`@anthropic-ai/claude-code`) reads the configs `wrap` writes. HOME is
 * a temporary directory, so the user's own ~/.claude.json is never read or written; `claude mcp
 * list` and `claude mcp get` need no login. `mcp list` starts every server to check its health,
 * so "Connected" means the shim started the real server and answered `initialize` through it.
 */
const CLAUDE = join(REPO, 'node_modules/.bin/claude');
const MEMORY = join(REPO, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const EVERYTHING = join(REPO, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

let home: string;
let project: string;
let audit: string;

beforeAll(() => {
  assertShimBuilt();
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'wrap-claude-')));
  home = join(root, 'home');
  project = join(root, 'project');
  audit = join(root, 'audit');
  for (const dir of [home, project, audit, join(project, '.claude')]) mkdirSync(dir);
  // Project servers (.mcp.json) otherwise wait for the user's approval in the interactive UI:
  // they need this setting and a trusted project (below).
  writeFileSync(
    join(project, '.claude/settings.local.json'),
    '{ "enableAllProjectMcpServers": true }\n',
  );
});

afterAll(() => {
  rmSync(join(home, '..'), { recursive: true, force: true });
});

function env(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    MEMORY_FILE_PATH: join(home, 'memory.jsonl'),
    DISABLE_AUTOUPDATER: '1',
    DISABLE_TELEMETRY: '1',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

function run(command: string, args: string[]): { code: number | null; out: string } {
  const result = spawnSync(command, args, {
    cwd: project,
    env: env(),
    encoding: 'utf8',
    timeout: 90_000,
  });
  return { code: result.status, out: result.stdout + result.stderr };
}

const claude = (...args: string[]): { code: number | null; out: string } => run(CLAUDE, args);
const shim = (...args: string[]): { code: number | null; out: string } =>
  run(process.execPath, [BIN, ...args]);

describe('wrap with the real Claude Code CLI', () => {
  it('wraps user, local and project servers; `claude mcp list` shows them connected', () => {
    for (const args of [
      ['-s', 'user', 'memory', '--', 'node', MEMORY],
      ['-s', 'local', 'everything', '-e', 'WRAP_MARK=kept', '--', 'node', EVERYTHING, 'stdio'],
      ['-s', 'project', 'shared-memory', '--', 'node', MEMORY],
      ['-s', 'user', '--transport', 'http', 'remote', 'http://127.0.0.1:9/mcp'],
    ]) {
      const added = claude('mcp', 'add', ...args);
      expect(added.code, added.out).toBe(0);
    }
    const userConfig = join(home, '.claude.json');
    const projectConfig = join(project, '.mcp.json');
    // What accepting the interactive trust dialog for the project records.
    const text = readFileSync(userConfig, 'utf8');
    const trust = modify(text, ['projects', project, 'hasTrustDialogAccepted'], true, {});
    writeFileSync(userConfig, applyEdits(text, trust));
    const before = claude('mcp', 'list');
    expect(before.out).toMatch(/memory: node \S+server-memory\S+ - ✔ Connected/);

    // Round trip on the files exactly as Claude Code wrote them.
    const originals = [readFileSync(userConfig, 'utf8'), readFileSync(projectConfig, 'utf8')];
    expect(shim('wrap', '--client', 'claude-code').code).toBe(0);
    expect(shim('wrap', '--client', 'claude-code-project').code).toBe(0);
    expect(shim('unwrap', '--client', 'claude-code').code).toBe(0);
    expect(shim('unwrap', '--client', 'claude-code-project').code).toBe(0);
    expect([readFileSync(userConfig, 'utf8'), readFileSync(projectConfig, 'utf8')]).toEqual(
      originals,
    );

    const auditLog = join(audit, '{server}.jsonl');
    const user = shim('wrap', '--client', 'claude-code', '--audit-log', auditLog);
    expect(user.code, user.out).toBe(0);
    expect(user.out).toMatch(/wrapped {4}memory\n/);
    expect(user.out).toMatch(/wrapped {4}everything \(project .*\/project\)\n/);
    expect(user.out).toMatch(/unchanged {2}remote: not wrapped: a remote HTTP server/);
    const shared = shim('wrap', '--client', 'claude-code-project', '--audit-log', auditLog);
    expect(shared.code, shared.out).toBe(0);

    const list = claude('mcp', 'list');
    const via = `${BIN} --audit-log ${audit}/`;
    expect(list.out).toContain(`memory: ${via}memory.jsonl -- node ${MEMORY} - ✔ Connected`);
    expect(list.out).toContain(
      `everything: ${via}everything.jsonl -- node ${EVERYTHING} stdio - ✔ Connected`,
    );
    expect(list.out).toContain(
      `shared-memory: ${via}shared-memory.jsonl -- node ${MEMORY} - ✔ Connected`,
    );
    // Each connection went through the shim: its audit log holds the judged handshake.
    for (const name of ['memory', 'everything', 'shared-memory']) {
      const records = readFileSync(join(audit, `${name}.jsonl`), 'utf8');
      expect(records).toContain('"method":"initialize"');
    }

    const get = claude('mcp', 'get', 'everything');
    expect(get.code, get.out).toBe(0);
    expect(get.out).toContain(`Command: ${BIN}`);
    expect(get.out).toContain(`--audit-log ${audit}/everything.jsonl -- node ${EVERYTHING} stdio`);
    expect(get.out).toContain('WRAP_MARK=kept');
    expect(get.out).toContain('Connected');

    expect(shim('unwrap', '--client', 'claude-code').code).toBe(0);
    expect(shim('unwrap', '--client', 'claude-code-project').code).toBe(0);
    const after = claude('mcp', 'list');
    expect(after.out).toContain(`memory: node ${MEMORY} - ✔ Connected`);
    expect(after.out).not.toContain(BIN);
  }, 240_000);
});
