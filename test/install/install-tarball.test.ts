import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readServerEntries, type ServerEntry } from '../../src/clients/server-entries.js';
import { REPO } from '../helpers/shim-process.js';

/**
 * The README's install path on a fresh prefix, then its `wrap` commands and its `claude mcp add`
 * line with the installed command. "The clone" is a copy of the repository's files (tracked and
 * new, as `git ls-files` lists them) whose node_modules links to this checkout's: that stands in
 * for the README's `npm install`, the one line not run here. `npm pack` in the copy runs the
 * prepack build from a clean dist; `npm install -g --prefix <empty dir>` then installs the
 * tarball and its runtime dependencies from the npm registry (`--prefer-offline`: the cache
 * answers when it can). One install per run: it takes about a minute.
 */
const MEMORY = join(REPO, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const CLAUDE = join(REPO, 'node_modules/.bin/claude');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const VERSION = (
  JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
).version;

let root: string;
let clone: string;
let prefix: string;
let home: string;

/** The commands of the first ```sh block after `heading`, `\` continuations joined. */
function shellBlock(heading: string): string[] {
  const section = README.slice(README.indexOf(`\n${heading}\n`));
  const body = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return body
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, ''))
    .filter((line) => line.trim() !== '');
}

/**
 * What npm needs to reach the registry, kept from this machine: its CA and proxy variables, and its
 * own user and global config files (a moved HOME and --prefix would otherwise hide them: the global
 * npmrc is looked up under the prefix, and that is where a machine's `cafile` often lives). Without
 * them a cache miss fails TLS and npm retries for minutes.
 */
const NETWORK_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([name]) =>
    /^(NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|https?_proxy|no_proxy)$/i.test(name),
  ),
);
const NPM_CONFIG_FILES = {
  npm_config_userconfig: npmConfig('userconfig'),
  npm_config_globalconfig: npmConfig('globalconfig'),
};

function npmConfig(key: string): string {
  return execFileSync('npm', ['config', 'get', key], { encoding: 'utf8' }).trim();
}

/**
 * Runs one README line under `sh`. Asynchronous on purpose: a synchronous spawn blocks the test
 * worker for the whole install, and vitest then fails the run on its own RPC timeout.
 */
async function sh(
  line: string,
  cwd: string,
): Promise<{ code: number | null; out: string; stdout: string }> {
  const child = spawn('sh', ['-c', line], {
    cwd,
    env: {
      ...NETWORK_ENV,
      ...NPM_CONFIG_FILES,
      PATH: `${prefix}/bin:${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: home,
      // Even a command that loses its --prefix cannot install outside the temporary prefix.
      npm_config_prefix: prefix,
      npm_config_cache: join(process.env.HOME ?? '', '.npm'),
      // The dependencies come from the cache the repository's own `npm install` filled, when there.
      npm_config_prefer_offline: 'true',
      npm_config_audit: 'false',
      // On a failure, the output shows which request npm was making.
      npm_config_loglevel: 'http',
      npm_config_fund: 'false',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 420_000,
  });
  let stdout = '';
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, out, stdout };
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'install-')));
  clone = join(root, 'clone');
  prefix = join(root, 'prefix');
  home = join(root, 'home');
  for (const dir of [prefix, home, join(home, 'projects'), join(home, '.mcp-audit')])
    mkdirSync(dir, { recursive: true });
  const files = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  )
    .split('\0')
    .filter((file) => file !== '' && file !== 'node_modules' && existsSync(join(REPO, file)));
  for (const file of files) {
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(clone, file));
  }
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(clone, 'node_modules'));
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('README install path', () => {
  it('packs, installs into an empty prefix, wraps a real server and runs it through the bin', async () => {
    const [npmInstall, pack, installGlobal, version, ...rest] = shellBlock('## Install');
    expect(npmInstall).toBe('npm install');
    expect(rest).toEqual([]);

    const packed = await sh(pack ?? '', clone);
    expect(packed.code, packed.out).toBe(0);
    const tarball = readdirSync(clone).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`mcp-opa-shim-${VERSION}.tgz`);
    const listing = execFileSync('tar', ['-tzf', join(clone, tarball ?? '')], { encoding: 'utf8' });
    for (const file of [
      'package.json',
      'README.md',
      'policy.rego',
      'dist/bin/mcp-opa-shim.mjs',
      'dist/bin/shim.cjs',
      'dist/bin/shim.v8-cache',
      'dist/bin/shim-later.cjs',
      'dist/bin/shim-later.v8-cache',
      'dist/policy/embedded/policy.wasm',
      'dist/policy/embedded/input-keys.json',
      'dist/policy/system-log.rego',
      'dist/policy/data.schema.json',
    ])
      expect(listing, file).toContain(`package/${file}\n`);
    expect(listing).not.toMatch(/\.map\n|package\/(src|test)\//);

    const installed = await sh(
      `${installGlobal ?? ''} --prefix ${prefix} --prefer-offline --no-audit --no-fund`,
      clone,
    );
    expect(installed.code, installed.out).toBe(0);
    const bin = join(prefix, 'bin/mcp-opa-shim');
    const shown = await sh(version ?? '', home);
    expect(shown.code, shown.out).toBe(0);
    expect(shown.stdout).toBe(`${VERSION}\n`);

    // The README's wrap commands, against a Claude Desktop config in the fresh HOME.
    const config = join(home, '.config/Claude/claude_desktop_config.json');
    mkdirSync(dirname(config), { recursive: true });
    const original = `${JSON.stringify(
      {
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [MEMORY],
            env: { MEMORY_FILE_PATH: join(home, 'memory.jsonl') },
          },
          filesystem: { command: process.execPath, args: [FILESYSTEM, join(home, 'projects')] },
        },
      },
      null,
      2,
    )}\n`;
    writeFileSync(config, original);
    const [dryRun, wrap, unwrap] = shellBlock('## Wrap a server');
    const dry = await sh(dryRun ?? '', home);
    expect(dry.code, dry.out).toBe(0);
    expect(dry.stdout).toContain(`+      "command": ${JSON.stringify(bin)},`);
    expect(readFileSync(config, 'utf8')).toBe(original);
    const wrapped = await sh(wrap ?? '', home);
    expect(wrapped.code, wrapped.out).toBe(0);

    const entries = readServerEntries(readFileSync(config, 'utf8'), 'claude-desktop');
    expect(entries.map((e) => e.command)).toEqual([bin, bin]);
    expect(entries[1]?.args).toContain(join(home, 'projects'));
    await useThroughClient(entries[0] as ServerEntry, async (client) => {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name)).toContain('create_entities');
      await client.callTool({
        name: 'create_entities',
        arguments: { entities: [{ name: 'install', entityType: 'test', observations: [] }] },
      });
    });
    // The entry's env reached the server, and the shim audited the session.
    expect(readFileSync(join(home, 'memory.jsonl'), 'utf8')).toContain('"name":"install"');
    expect(readFileSync(join(home, '.mcp-audit/memory.jsonl'), 'utf8')).toContain(
      'create_entities',
    );
    await useThroughClient(entries[1] as ServerEntry, async (client) => {
      const denied = await client.callTool({
        name: 'read_text_file',
        arguments: { path: '/etc/hostname' },
      });
      expect(denied.isError).toBe(true);
      expect(JSON.stringify(denied.content)).toMatch(/outside the allowed roots/);
    });

    const restored = await sh(unwrap ?? '', home);
    expect(restored.code, restored.out).toBe(0);
    expect(readFileSync(config, 'utf8')).toBe(original);

    // The README's `claude mcp add` line, with the installed command found on PATH.
    const add = README.split('\n').find((line) => line.startsWith('claude mcp add '));
    expect(add).toBeDefined();
    const local = (add ?? '')
      .replace(/^claude /, `${CLAUDE} `)
      .replace('npx -y @modelcontextprotocol/server-filesystem', `node ${FILESYSTEM}`);
    expect((await sh(local, home)).code).toBe(0);
    const list = await sh(`${CLAUDE} mcp list`, home);
    expect(list.out).toContain(
      `filesystem: mcp-opa-shim --root ${home}/projects -- node ${FILESYSTEM} ${home}/projects - ✔ Connected`,
    );
  }, 900_000);
});

async function useThroughClient(
  entry: ServerEntry,
  use: (client: Client) => Promise<void>,
): Promise<void> {
  const client = new Client({ name: 'install-test', version: '1.0.0' }, { capabilities: {} });
  const transport = new StdioClientTransport({
    command: entry.command ?? '',
    args: [...entry.args],
    env: {
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
      HOME: home,
      ...entry.env,
    },
    stderr: 'pipe',
  });
  await client.connect(transport);
  try {
    await use(client);
  } finally {
    await client.close();
  }
}
