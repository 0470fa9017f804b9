import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO } from '../helpers/shim-process.js';

/**
 * The README's doctor section, run for real: `~` is a temporary home, and `npx -y
 * @modelcontextprotocol/server-filesystem` the installed server (as in readme-path-base.test.ts).
 * The printed output must match the README's, line by line, once what differs between machines
 * (home, user, policy hash, server version, where the command lives) is masked.
 */
const readme = readFileSync(`${REPO}README.md`, 'utf8');
const section = /## Check a setup: `doctor`\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
const commands = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  (m[1] ?? '').split('\n').filter((line) => line.startsWith('mcp-opa-shim doctor ')),
);
const shownOutput = /```\n(mcp-opa-shim doctor: [\s\S]*?)```/.exec(section)?.[1] ?? '';
const FILESYSTEM = `${REPO}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js`;
const MEMORY = `${REPO}node_modules/@modelcontextprotocol/server-memory/dist/index.js`;
const NPX_SERVER = 'npx -y @modelcontextprotocol/server-filesystem';

let home: string;

beforeAll(() => {
  home = realpathSync(mkdtempSync(join(tmpdir(), 'readme-doctor-')));
  mkdirSync(join(home, 'projects'));
  mkdirSync(join(home, '.cursor'));
  writeFileSync(
    join(home, '.cursor/mcp.json'),
    JSON.stringify({
      mcpServers: {
        memory: { command: process.execPath, args: [BIN, '--', process.execPath, MEMORY] },
        docs: { url: 'https://example.com/mcp' },
      },
    }),
  );
});

afterAll(() => {
  rmSync(home, { recursive: true, force: true });
});

/** The README line as the shell would run it: `~` expanded, npx replaced by the installed server. */
function run(line: string) {
  const words = line
    .replace(NPX_SERVER, `node ${FILESYSTEM}`)
    .split(' ')
    .slice(1)
    .map((word) => word.replace(/^~(?=\/|$)/, home));
  return spawnSync(process.execPath, [BIN, ...words], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, HOME: home },
    timeout: 60_000,
  });
}

function masked(line: string): string {
  return line
    .replace(/^(ok|warn|FAIL|skip)( +command +).*$/, '$1$2<command>')
    .replace(/principal `[^`]+`/, 'principal `<user>`')
    .replace(/sha256 [0-9a-f]{12}/, 'sha256 <hash>')
    .replace(/(answered|`secure-filesystem-server`) \d+\.\d+\.\d+/, '$1 <version>');
}

describe('README: doctor', () => {
  it('has the commands this test runs', () => {
    expect(commands).toHaveLength(2);
    expect(shownOutput).not.toBe('');
  });

  it('prints what the README shows for the filesystem server', () => {
    const result = run(commands[0] ?? '');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const actual = result.stdout
      .replaceAll(home, '/home/me')
      .replace(`node ${FILESYSTEM}`, NPX_SERVER)
      .trimEnd()
      .split('\n')
      .map(masked);
    expect(actual).toEqual(shownOutput.trimEnd().split('\n').map(masked));
  });

  it('checks every entry of ~/.cursor/mcp.json with --json', () => {
    const result = run(commands[1] ?? '');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { id: string; status: string; entry?: string }[];
    };
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.entry === 'memory' && c.id === 'initialize')?.status).toBe(
      'ok',
    );
    expect(report.checks.find((c) => c.entry === 'docs')?.status).toBe('skip');
  });
});
