import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * Issue 12's acceptance: README's "Write your own rule" commands, run one by one from a fresh
 * clone (its own `npm run build`, the repository's node_modules), with the real opa found in
 * the install cache (PATH holds only node), ending with the built bundle in front of the real
 * server-filesystem and a real SDK client: the custom rule denies a write, and `--root` still
 * denies a read outside the root.
 */

const README_SECTION = '### Write your own rule';
const SECRET = 'AWS_SECRET=never-shown';

let work: string;
let clone: string;
let home: string;
let project: string;
/** PATH without opa: the shim must find it where scripts/install-opa.sh put it. */
let env: Record<string, string>;

/** The `sh` block of README's "Write your own rule" section, as committed in the clone. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(clone, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(README_SECTION));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}

/** `npx mcp-opa-shim …` is the clone's built bin; `~` is the test's home. */
function shimArgv(line: string): string[] {
  const words = line.split(/\s+/).map((w) => w.replace(/^~(?=\/)/, home));
  expect(words.slice(0, 2)).toEqual(['npx', 'mcp-opa-shim']);
  return [join(clone, 'dist/bin/mcp-opa-shim.mjs'), ...words.slice(2)];
}

/** Removes the leading `# ` of every line after `marker` (what "uncomment" asks for). */
function uncommentAfter(path: string, marker: RegExp): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const at = lines.findIndex((line) => marker.test(line));
  expect(at).toBeGreaterThan(0);
  const edited = lines.map((line, i) => (i > at ? line.replace(/^# ?/, '') : line));
  writeFileSync(path, edited.join('\n'));
}

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'dev-loop-')));
  clone = join(work, 'clone');
  execFileSync('git', ['clone', '--quiet', REPO, clone]);
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(clone, 'node_modules'));
  home = join(work, 'home');
  project = join(home, 'project');
  mkdirSync(join(project, 'notes'), { recursive: true });
  writeFileSync(join(project, 'notes/todo.md'), '- ship v1\n');
  writeFileSync(join(home, 'secrets.env'), SECRET);
  env = {
    PATH: dirname(process.execPath),
    HOME: process.env.HOME ?? '',
    ...stateHomeEnv(),
    ...(process.env.XDG_CACHE_HOME === undefined
      ? {}
      : { XDG_CACHE_HOME: process.env.XDG_CACHE_HOME }),
  };
  execFileSync('npm', ['run', 'build'], { cwd: clone, stdio: 'ignore' });
}, 600_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("README's Write your own rule, from a fresh clone", () => {
  it('init → edit → test → build → run: the custom rule denies, --root still confines', async () => {
    const commands = readmeCommands();
    expect(commands).toHaveLength(6);
    let cwd = work;
    const runLine = (line: string) => {
      const result = spawnSync(process.execPath, shimArgv(line), { cwd, env, encoding: 'utf8' });
      return { code: result.status, stdout: result.stdout, stderr: result.stderr };
    };
    const [init, cd, edit, test, build, run] = commands as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];

    const initialized = runLine(init);
    expect(initialized.code, initialized.stderr).toBe(0);
    expect(runLine(init).code).toBe(1); // never overwrites

    expect(cd).toMatch(/^cd \S+$/);
    cwd = resolve(cwd, cd.slice(3));
    expect(existsSync(join(cwd, 'rules.rego'))).toBe(true);

    // Before the edit, the starter's own tests pass and the example rule is not in force.
    expect(runLine(test).stdout).toContain('PASS: 2/2');
    expect(edit).toMatch(/^# edit rules\.rego and rules_test\.rego: uncomment the example/);
    uncommentAfter(join(cwd, 'rules.rego'), /^# An example/);
    uncommentAfter(join(cwd, 'rules_test.rego'), /^# Uncomment with the example rule/);

    const tested = runLine(test);
    expect(tested.code, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toContain('PASS: 3/3');

    // The section's inline eval commands, run in the project (audit.jsonl: a recorded session).
    copyFileSync(join(clone, 'examples/custom-rule/audit.jsonl'), join(cwd, 'audit.jsonl'));
    const section = readFileSync(join(clone, 'README.md'), 'utf8').split(README_SECTION)[1] ?? '';
    const evals = [...section.matchAll(/`mcp-opa-shim eval ([^`]+)`/g)].map((m) => m[1] ?? '');
    expect(evals).toEqual(['--rules rules.rego --data data.yaml --input input.json']);
    const evaluated = runLine(`npx mcp-opa-shim eval ${evals[0] ?? ''}`);
    expect(evaluated.code).toBe(1);
    expect(JSON.parse(evaluated.stdout)).toMatchObject({ reasons: ['files_read_only'] });
    const fromAudit = /\(or `(--from-audit [^`]+)` for a recorded call\)/.exec(section)?.[1] ?? '';
    expect(fromAudit).toBe('--from-audit audit.jsonl --seq 9');
    const recorded = runLine(
      `npx mcp-opa-shim eval --rules rules.rego --data data.yaml ${fromAudit}`,
    );
    expect(recorded.code).toBe(1);
    expect(JSON.parse(recorded.stdout)).toMatchObject({ reasons: ['files_read_only'] });

    const built = runLine(build);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(
      /^Wrote bundle\.tar\.gz \(\d+ bytes, revision sha256:[0-9a-f]{16}\)/,
    );

    const argv = shimArgv(run);
    const separator = argv.indexOf('--');
    // The server command after `--`, as installed in node_modules (npx would resolve the same).
    expect(argv.slice(separator + 1, separator + 4)).toEqual([
      'npx',
      '-y',
      '@modelcontextprotocol/server-filesystem',
    ]);
    const server = [
      join(clone, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js'),
      // The server sees the wider home: only the shim's --root confines it.
      home,
    ];
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [...argv.slice(0, separator + 1), ...server],
      cwd,
      env,
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const client = new Client({ name: 'dev-loop', version: '1.0.0' });
    await client.connect(transport);
    try {
      const inside = await client.callTool({
        name: 'read_text_file',
        arguments: { path: join(project, 'notes/todo.md') },
      });
      expect(inside).toMatchObject({ content: [{ type: 'text', text: '- ship v1\n' }] });
      expect(inside.isError).not.toBe(true);

      const outside = join(project, '../secrets.env');
      const denied = await client.callTool({
        name: 'read_text_file',
        arguments: { path: outside },
      });
      expect(denied).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: `Path \`${outside}\` is outside the allowed roots.` }],
      });
      expect(JSON.stringify(denied)).not.toContain(SECRET);

      // The example rule hides write_file and denies calling it, with its own message.
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).not.toContain('write_file');
      const target = join(project, 'notes/new.md');
      await expect(
        client.callTool({ name: 'write_file', arguments: { path: target, content: 'x' } }),
      ).rejects.toThrow('Tool `write_file` changes files; this workspace is read-only.');
      expect(existsSync(target)).toBe(false);
    } finally {
      await client.close();
    }
    // The bundle holds the default policy: no "replaces the default policy" warning.
    expect(stderr).not.toContain('warning:');
  }, 300_000);

  it('says how to get opa when there is none on PATH or in the install cache', () => {
    const dir = join(work, 'no-opa');
    const bin = join(clone, 'dist/bin/mcp-opa-shim.mjs');
    const noOpa = { PATH: dirname(process.execPath), HOME: work, XDG_CACHE_HOME: join(work, 'c') };
    expect(spawnSync(process.execPath, [bin, 'init', dir], { env: noOpa }).status).toBe(0);
    for (const command of ['test', 'build']) {
      const result = spawnSync(process.execPath, [bin, command, dir], {
        env: noOpa,
        encoding: 'utf8',
      });
      expect(result.status).toBe(78);
      expect(result.stderr).toBe(
        `mcp-opa-shim ${command}: \`mcp-opa-shim ${command}\` needs the \`opa\` CLI, and there is none on PATH or in ${work}/c/mcp-opa-shim/opa-v1.22.2. ` +
          `Install it there with \`GOBIN=${work}/c/mcp-opa-shim/opa-v1.22.2 go install github.com/open-policy-agent/opa@v1.22.2\` ` +
          '(or put an opa v1.22.2 binary from https://github.com/open-policy-agent/opa/releases on PATH).\n',
      );
    }
  });
});
