import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectFormat,
  readServerEntries,
  type ServerEntry,
} from '../../src/clients/server-entries.js';
import { parseWrappedCommand } from '../../src/clients/wrapped-command.js';
import { assertShimBuilt } from '../e2e/helpers/paths.js';
import { BIN, REPO } from '../helpers/shim-process.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

const FIXTURES = join(REPO, 'test/clients/fixtures');
let scratch: string;

beforeAll(() => {
  assertShimBuilt();
  scratch = mkdtempSync(join(tmpdir(), 'wrap-cli-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function shim(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? scratch,
    env: { PATH: process.env.PATH ?? '', HOME: scratch, ...options.env },
    encoding: 'utf8',
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A fresh copy of a fixture directory; returns the copy of `file` inside it. */
function copyFixture(fixture: string, file: string): string {
  const dir = mkdtempSync(join(scratch, `${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return join(dir, file);
}

function entriesOf(path: string): ServerEntry[] {
  const text = readFileSync(path, 'utf8');
  return readServerEntries(text, detectFormat(path, text));
}

function backupsOf(path: string): string[] {
  const name = path.split('/').at(-1) ?? '';
  return readdirSync(dirname(path)).filter((f) => f.startsWith(`${name}.`) && f.endsWith('.bak'));
}

const FORMATS = [
  ['claude-desktop', 'claude_desktop_config.json'],
  ['claude-code', '.mcp.json'],
  ['claude-code', '.claude.json'],
  ['cursor', '.cursor/mcp.json'],
  ['vscode', '.vscode/mcp.json'],
  ['generic', 'servers.json'],
] as const;

describe('mcp-opa-shim wrap / unwrap', () => {
  for (const [fixture, file] of FORMATS) {
    it(`wraps every stdio server of ${fixture} ${file} and unwraps it byte for byte`, () => {
      const path = copyFixture(fixture, file);
      chmodSync(path, 0o600);
      const original = readFileSync(path, 'utf8');
      const before = entriesOf(path);

      const wrapped = shim(['wrap', '--file', path, '--audit-log', '~/.mcp-audit/{server}.jsonl']);
      expect(wrapped.stderr).toBe('');
      expect(wrapped.code).toBe(0);
      expect(wrapped.stdout).toContain(`Wrote ${path}`);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const [backup] = backupsOf(path);
      expect(backup).toBeDefined();
      expect(readFileSync(join(dirname(path), backup ?? ''), 'utf8')).toBe(original);
      expect(statSync(join(dirname(path), backup ?? '')).mode & 0o777).toBe(0o600);

      const after = entriesOf(path);
      expect(after.map((e) => [e.scope, e.name, e.transport])).toEqual(
        before.map((e) => [e.scope, e.name, e.transport]),
      );
      for (const [i, entry] of before.entries()) {
        const now = after[i] as ServerEntry;
        if (entry.transport !== 'stdio') {
          expect(now).toEqual(entry);
          expect(wrapped.stdout).toMatch(
            new RegExp(`unchanged  ${entry.name}.*: not wrapped: a remote`),
          );
          continue;
        }
        expect(now.command).toBe(BIN);
        expect(parseWrappedCommand(now.command ?? '', now.args)).toMatchObject({
          shimArgs: ['--audit-log', `~/.mcp-audit/${entry.name}.jsonl`],
          serverCommand: entry.command,
          serverArgs: entry.args,
        });
        expect(now.env).toEqual(entry.env);
        expect(now.cwd).toBe(entry.cwd);
      }

      const again = shim(['wrap', '--file', path, '--audit-log', '/elsewhere.jsonl']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('Nothing to wrap; the file is unchanged.');
      expect(backupsOf(path)).toHaveLength(1);

      const unwrapped = shim(['unwrap', '--file', path]);
      expect(unwrapped.code).toBe(0);
      expect(readFileSync(path, 'utf8')).toBe(original);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    });
  }

  it('finds each client file where the client keeps it (--client)', () => {
    const home = mkdtempSync(join(scratch, 'home-'));
    const project = mkdtempSync(join(scratch, 'project-'));
    const places = [
      ['claude-desktop', join(home, '.config/Claude/claude_desktop_config.json')],
      ['claude-code', join(home, '.claude.json')],
      ['claude-code-project', join(project, '.mcp.json')],
      ['cursor', join(home, '.cursor/mcp.json')],
      ['cursor-project', join(project, '.cursor/mcp.json')],
      ['vscode', join(project, '.vscode/mcp.json')],
    ] as const;
    for (const [client, path] of places) {
      mkdirSync(dirname(path), { recursive: true });
      const key = client === 'vscode' ? 'servers' : 'mcpServers';
      writeFileSync(path, `{"${key}": {"s": {"command": "node", "args": ["s.js"]}}}\n`);
      const run = shim(['wrap', '--client', client, '--dry-run'], {
        cwd: project,
        env: { HOME: home },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`--- ${path}`);
    }
  });

  it('prints a diff that `patch` turns into the wrapped file, and changes nothing', () => {
    const path = copyFixture('claude-desktop', 'claude_desktop_config.json');
    const original = readFileSync(path, 'utf8');
    const dry = shim(['wrap', '--file', path, '--dry-run', '--server', 'github', '--role', 'dev']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Dry run: the file is unchanged.');
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(backupsOf(path)).toEqual([]);
    const diff = dry.stdout.slice(dry.stdout.indexOf('--- '), dry.stdout.indexOf('Dry run:'));
    const patched = join(scratch, 'patched.json');
    writeFileSync(patched, original);
    const patch = spawnSync('patch', ['--silent', patched], { input: diff, encoding: 'utf8' });
    expect(patch.status, patch.stdout + patch.stderr).toBe(0);
    shim(['wrap', '--file', path, '--server', 'github', '--role', 'dev']);
    expect(readFileSync(patched, 'utf8')).toBe(readFileSync(path, 'utf8'));
  });

  it('gives per-server options to that server only and resolves relative paths', () => {
    const path = copyFixture('cursor', '.cursor/mcp.json');
    const run = shim(
      [
        'wrap',
        '--file',
        path,
        '--data',
        'policy/data.yaml',
        '--server',
        'memory',
        '--root',
        '/srv',
      ],
      { cwd: '/tmp' },
    );
    expect(run.code, run.stderr).toBe(0);
    const wrapped = entriesOf(path).map((e) => parseWrappedCommand(e.command ?? '', e.args));
    expect(wrapped[0]?.shimArgs).toEqual(['--data', '/tmp/policy/data.yaml', '--root', '/srv']);
    expect(wrapped[1]).toBeUndefined();
    expect(wrapped[2]?.shimArgs).toEqual(['--data', '/tmp/policy/data.yaml']);
  });

  it('wraps only the servers named with --only, and unwraps only those', () => {
    const path = copyFixture('claude-desktop', 'claude_desktop_config.json');
    expect(shim(['wrap', '--file', path, '--only', 'github']).code).toBe(0);
    const names = (): string[] =>
      entriesOf(path)
        .filter((e) => parseWrappedCommand(e.command ?? '', e.args) !== undefined)
        .map((e) => e.name);
    expect(names()).toEqual(['github']);
    expect(shim(['wrap', '--file', path]).code).toBe(0);
    expect(names()).toEqual(['filesystem', 'github', 'sqlite']);
    expect(shim(['unwrap', '--file', path, '--only', 'sqlite']).code).toBe(0);
    expect(names()).toEqual(['filesystem', 'github']);
  });

  it('refuses bad usage with the option, the value and the fix (exit 2), writing nothing', () => {
    const path = copyFixture('claude-desktop', 'claude_desktop_config.json');
    const original = readFileSync(path, 'utf8');
    const cases: [string[], RegExp][] = [
      [
        ['--server', 'nope', '--root', '/x'],
        /`--server` to name a server in .*got `nope`; its servers: filesystem, github, sqlite/,
      ],
      [['--only', 'nope'], /`--only` to name a server/],
      [['--audit-lg', 'x'], /Unknown option `--audit-lg`.*Did you mean `--audit-log`\?/],
      [['--mode'], /Expected `--mode` to be followed by a value/],
      [
        ['--audit-log', 'a', '--server', 'github', '--audit-log', 'b'],
        /`--audit-log` at most once/,
      ],
      [
        ['--client', 'claude-desktop'],
        /exactly one of `--client <name>` or `--file <path>`.*got both/,
      ],
      [['extra'], /Unexpected argument `extra`/],
    ];
    for (const [args, message] of cases) {
      const run = shim(['wrap', '--file', path, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(shim(['unwrap', '--client', 'emacs']).stderr).toMatch(
      /`--client` to be one of claude-desktop, .*got `emacs`; use `--file <path>`/,
    );
    expect(readFileSync(path, 'utf8')).toBe(original);
    expect(backupsOf(path)).toEqual([]);
  });

  it('reports a missing or broken file with its path and the fix (exit 1)', () => {
    const missing = shim(['wrap', '--client', 'cursor']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /Cannot read `--client cursor` .*\.cursor\/mcp\.json` \(ENOENT\)/,
    );
    const broken = join(scratch, 'broken.json');
    writeFileSync(broken, '{\n  "mcpServers": {\n    "a": {"command" "x"}\n  }\n}\n');
    const run = shim(['unwrap', '--file', broken]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not valid JSON \(first error at line 3, column 21\)/);
  });

  it('writes the command given with --shim-command, and only a command it recognises later', () => {
    const path = copyFixture('cursor', '.cursor/mcp.json');
    const named = shim(['wrap', '--file', path, '--shim-command', 'mcp-opa-shim']);
    expect(named.code, named.stderr).toBe(0);
    expect(entriesOf(path).map((e) => e.command)).toEqual([
      'mcp-opa-shim',
      undefined,
      'mcp-opa-shim',
    ]);
    const other = shim(['wrap', '--file', path, '--shim-command', '/usr/local/bin/wrapper.sh']);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(
      /`--shim-command` to be the mcp-opa-shim bin .*got `\/usr\/local\/bin\/wrapper\.sh`/,
    );
    const unbundled = spawnSync(
      process.execPath,
      [join(REPO, 'dist/cli/main.js'), 'wrap', '--file', path],
      { encoding: 'utf8' },
    );
    expect(unbundled.status).toBe(2);
    expect(unbundled.stderr).toMatch(/give `--shim-command <path to mcp-opa-shim>`/);
  });

  it("starts the server in the entry's cwd with its args, as a client launches the entry", async () => {
    const project = realpathSync(mkdtempSync(join(scratch, 'cwd-')));
    const path = join(project, '.vscode/mcp.json');
    mkdirSync(dirname(path));
    const server = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
    const config = {
      servers: {
        files: {
          type: 'stdio',
          command: process.execPath,
          args: [server, '.'],
          cwd: project,
          env: { WRAP_MARK: 'kept' },
        },
      },
    };
    writeFileSync(path, JSON.stringify(config, null, '\t'));
    expect(
      shim(['wrap', '--client', 'vscode', '--log-level', 'silent'], { cwd: project }).code,
    ).toBe(0);
    const [entry] = entriesOf(path);
    const client = new Client({ name: 'wrap-test', version: '1.0.0' }, { capabilities: {} });
    await client.connect(
      new StdioClientTransport({
        command: entry?.command ?? '',
        args: [...(entry?.args ?? [])],
        cwd: entry?.cwd ?? '',
        env: { PATH: process.env.PATH ?? '', ...stateHomeEnv(), ...entry?.env },
        stderr: 'pipe',
      }),
    );
    try {
      // server-filesystem resolves its `.` argument against the working directory it got.
      const allowed = await client.callTool({ name: 'list_allowed_directories', arguments: {} });
      expect(JSON.stringify(allowed.content)).toContain(project);
    } finally {
      await client.close();
    }
  });

  it('prints its help and the version on stdout', () => {
    const version = (
      JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
    ).version;
    for (const command of ['wrap', 'unwrap']) {
      expect(shim([command, '--help']).stdout).toMatch(
        new RegExp(`^Usage:\n  mcp-opa-shim ${command} `),
      );
      expect(shim([command, '--version']).stdout).toBe(`${version}\n`);
    }
    expect(shim(['--help']).stdout).toContain(
      'mcp-opa-shim wrap|unwrap --client <name> | --file <path>',
    );
  });

  it('brings back an entry without `args` as it was', () => {
    const path = join(scratch, 'no-args.json');
    const original =
      '{"mcpServers": {"a": {"command": "/bin/srv", "env": {"K": "v"}}, "b": {"command": "x", "args": [ ]}}}\n';
    writeFileSync(path, original);
    expect(shim(['wrap', '--file', path, '--principal', 'p']).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toContain(
      `"a": {"command": ${JSON.stringify(BIN)}, "args": ["--principal", "p", "--", "/bin/srv"], "env"`,
    );
    expect(shim(['unwrap', '--file', path]).code).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(original);
  });
});
