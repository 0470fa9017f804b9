import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, FIXTURES, REPO, SHIM, ShimProcess } from '../helpers/shim-process.js';

const node = process.execPath;
const DENY_SOME_ECHOES = `${REPO}test/relay/policies/deny-some-echoes.rego`;

function runCli(main: string, args: readonly string[]) {
  return spawnSync(node, [main, ...args], { cwd: REPO, encoding: 'utf8' });
}

const temporary: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shim-bin-'));
  temporary.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

/** The files the bin loads, laid out as in an installed package, without node_modules. */
function installedCopy(): { root: string; bin: string; caches: string[] } {
  const root = tempDir();
  cpSync(`${REPO}package.json`, join(root, 'package.json'));
  cpSync(`${REPO}dist/bin`, join(root, 'dist/bin'), { recursive: true });
  cpSync(`${REPO}dist/policy/embedded`, join(root, 'dist/policy/embedded'), { recursive: true });
  return {
    root,
    bin: join(root, 'dist/bin/mcp-opa-shim.mjs'),
    caches: [join(root, 'dist/bin/shim.v8-cache'), join(root, 'dist/bin/shim-later.v8-cache')],
  };
}

async function echoThrough(shim: ShimProcess, text: string) {
  await shim.initialize();
  return shim.request('tools/call', { name: 'echo', arguments: { text } });
}

describe('the bundled bin', () => {
  let shim: ShimProcess | undefined;
  afterEach(async () => {
    await shim?.close();
    shim = undefined;
  });

  it('is the package bin and prints the same --version and --help as dist/cli/main.js', () => {
    const pkg = JSON.parse(readFileSync(`${REPO}package.json`, 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(`${REPO}${pkg.bin['mcp-opa-shim'] ?? ''}`).toBe(BIN);
    for (const args of [['--version'], ['--help'], ['eval', '--help']]) {
      const bundled = runCli(BIN, args);
      expect(bundled.status).toBe(0);
      expect(bundled.stdout).not.toBe('');
      expect(bundled.stdout).toBe(runCli(SHIM, args).stdout);
    }
  });

  it('exits 2 on a usage error, with the message on stderr and nothing on stdout', () => {
    const result = runCli(BIN, ['--max-frame-bytes', '-1', '--', node, '-e', '']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--max-frame-bytes');
  });

  it('relays a call the embedded policy allows, and audits it', async () => {
    const audit = join(tempDir(), 'audit.jsonl');
    shim = new ShimProcess(
      ['--log-level', 'silent', '--audit-log', audit, '--', node, `${FIXTURES}/echo-server.mjs`],
      { main: BIN },
    );
    const reply = await echoThrough(shim, 'hello');
    expect(reply.result).toEqual({ content: [{ type: 'text', text: 'hello' }] });
    expect(readFileSync(audit, 'utf8')).toContain('"tools/call"');
  });

  it('refuses a call a Rego policy (compiled at start) denies', async () => {
    shim = new ShimProcess(
      [
        '--policy',
        DENY_SOME_ECHOES,
        '--log-level',
        'silent',
        '--',
        node,
        `${FIXTURES}/echo-server.mjs`,
      ],
      { main: BIN },
    );
    const reply = await echoThrough(shim, 'forbidden');
    expect(reply.result).toEqual({
      content: [{ type: 'text', text: 'Saying forbidden things is not allowed.' }],
      isError: true,
    });
  });

  it('refuses to start with an unloadable policy, before spawning the server (exit 78)', async () => {
    const dir = tempDir();
    const badPolicy = join(dir, 'broken.wasm');
    writeFileSync(badPolicy, 'not wasm at all');
    const record = join(dir, 'record.jsonl');
    shim = new ShimProcess(
      ['--policy', badPolicy, '--', node, `${FIXTURES}/recording-server.mjs`],
      {
        env: { RECORD_FILE: record },
        main: BIN,
      },
    );
    expect((await shim.exited).code).toBe(78);
    expect(shim.stderr).toContain(badPolicy);
    expect(shim.stdoutLines).toEqual([]);
    expect(existsSync(record)).toBe(false);
  });

  it('exits 127 when the server command cannot be spawned', async () => {
    shim = new ShimProcess(['--', 'definitely-not-a-command-mcp-opa-shim'], { main: BIN });
    expect((await shim.exited).code).toBe(127);
    expect(shim.stderr).toContain('definitely-not-a-command-mcp-opa-shim');
    expect(shim.stdoutLines).toEqual([]);
  });

  it('runs without node_modules, and without its code caches or with damaged ones', async () => {
    const copy = installedCopy();
    const caches = copy.caches.map((file) => ({ file, intact: readFileSync(file) }));
    for (const variant of ['intact', 'missing', 'truncated', 'damaged']) {
      for (const { file, intact } of caches) {
        if (variant === 'missing') rmSync(file);
        if (variant === 'truncated') writeFileSync(file, intact.subarray(0, intact.length >> 1));
        if (variant === 'damaged') writeFileSync(file, Buffer.from(intact).fill(0x5a, 0, 64));
      }
      shim = new ShimProcess(['--log-level', 'silent', '--', node, `${FIXTURES}/echo-server.mjs`], {
        main: copy.bin,
        cwd: copy.root,
      });
      const reply = await echoThrough(shim, variant);
      expect(reply.result, variant).toEqual({ content: [{ type: 'text', text: variant }] });
      expect(shim.stderr, variant).toBe('');
      expect((await shim.close()).code, variant).toBe(0);
    }
  });

  it('ships everything it loads in the npm package', () => {
    const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: REPO,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [pack] = JSON.parse(output) as [{ files: { path: string }[] }];
    const files = pack.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'dist/bin/mcp-opa-shim.mjs',
        'dist/bin/shim.cjs',
        'dist/bin/shim.v8-cache',
        'dist/bin/shim-later.cjs',
        'dist/bin/shim-later.v8-cache',
        'dist/policy/embedded/policy.wasm',
      ]),
    );
  });
});
