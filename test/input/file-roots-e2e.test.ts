import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertShimBuilt, repoRoot, shimMain } from '../e2e/helpers/paths.js';
import { tempDir } from './helpers/input-fixtures.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * The real shim (embedded default policy, `--root`) in front of the real
 * server-filesystem. The server is given the WIDER parent directory, so every
 * escape below is stopped by the shim's resolved paths, not by the server.
 */
const FILESYSTEM = path.join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
const SECRET = 'TOP-SECRET-CONTENT';
const SHIM_DENIAL = /outside the allowed roots/;

let base: string;
let root: string;
let outside: string;

beforeAll(() => {
  assertShimBuilt();
  base = tempDir('mcp-opa-shim-roots-e2e-');
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(path.join(root, 'notes.txt'), 'inside content');
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link-out'));
  symlinkSync(outside, path.join(root, 'linkdir-out'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

interface Connected {
  readonly client: Client;
  call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }>;
  close(): Promise<void>;
}

async function connect(serverDir: string, clientRoots?: readonly string[]): Promise<Connected> {
  const client = new Client(
    { name: 'file-roots-e2e', version: '1.0.0' },
    { capabilities: clientRoots === undefined ? {} : { roots: { listChanged: true } } },
  );
  if (clientRoots !== undefined) {
    client.setRequestHandler(ListRootsRequestSchema, () => ({
      roots: clientRoots.map((dir) => ({ uri: pathToFileURL(dir).href, name: path.basename(dir) })),
    }));
  }
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? base,
    ...stateHomeEnv(),
  };
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      shimMain,
      '--root',
      root,
      '--log-level',
      'silent',
      '--',
      process.execPath,
      FILESYSTEM,
      serverDir,
    ],
    env,
    // Started in the project, as Claude Code and Cursor start servers: the working directory is
    // one of the bases the shim reads a relative path against.
    cwd: root,
    stderr: 'pipe',
  });
  await client.connect(transport);
  return {
    client,
    async call(name, args) {
      const result = await client.callTool({ name, arguments: args });
      const content = (result.content ?? []) as { type: string; text?: string }[];
      return {
        isError: result.isError === true,
        text: content.map((block) => block.text ?? '').join('\n'),
      };
    },
    close: () => client.close(),
  };
}

describe('file roots through the shim, server given a wider directory', () => {
  let shim: Connected;
  beforeAll(async () => {
    shim = await connect(base);
  });
  afterAll(async () => {
    await shim.close();
  });

  it('allows reading a file inside the root', async () => {
    expect(await shim.call('read_text_file', { path: path.join(root, 'notes.txt') })).toEqual({
      isError: false,
      text: 'inside content',
    });
  });

  it('allows .. that stays inside the root', async () => {
    const result = await shim.call('read_text_file', { path: `${root}/sub/../notes.txt` });
    expect(result.text).toBe('inside content');
  });

  it.each([
    ['an absolute path outside the root', () => ({ path: path.join(outside, 'secret.txt') })],
    ['a symlink inside the root pointing outside', () => ({ path: path.join(root, 'link-out') })],
    [
      'a file below a symlinked directory pointing outside',
      () => ({ path: path.join(root, 'linkdir-out', 'secret.txt') }),
    ],
    ['.. traversal out of the root', () => ({ path: `${root}/../outside/secret.txt` })],
    ['a relative path climbing out of the root', () => ({ path: '../outside/secret.txt' })],
    [
      'a relative path the wider server would read outside the root',
      () => ({ path: 'outside/secret.txt' }),
    ],
    [
      'a file:// URI outside the root',
      () => ({ path: pathToFileURL(path.join(outside, 'secret.txt')).href }),
    ],
    ['a NUL byte', () => ({ path: `${root}/notes.txt\u0000` })],
  ])('denies reading %s, and the secret never comes back', async (_label, args) => {
    const result = await shim.call('read_text_file', args());
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(SHIM_DENIAL);
    expect(result.text).not.toContain(SECRET);
  });

  it('denies reading several files when one of them is outside the root', async () => {
    const result = await shim.call('read_multiple_files', {
      paths: [path.join(root, 'notes.txt'), path.join(outside, 'secret.txt')],
    });
    expect(result.isError).toBe(true);
    expect(result.text).not.toContain(SECRET);
  });

  it('denies writing a new file outside the root, and nothing is created', async () => {
    const target = path.join(outside, 'planted.txt');
    const result = await shim.call('write_file', { path: target, content: 'planted' });
    expect(result.text).toMatch(SHIM_DENIAL);
    expect(existsSync(target)).toBe(false);
  });

  it('allows writing a new file inside the root', async () => {
    const target = path.join(root, 'sub', 'new.txt');
    const result = await shim.call('write_file', { path: target, content: 'fresh' });
    expect(result.isError).toBe(false);
    expect(existsSync(target)).toBe(true);
  });

  it('denies moving a file from inside the root to outside it', async () => {
    const result = await shim.call('move_file', {
      source: path.join(root, 'notes.txt'),
      destination: path.join(outside, 'moved.txt'),
    });
    expect(result.text).toMatch(SHIM_DENIAL);
    expect(existsSync(path.join(root, 'notes.txt'))).toBe(true);
  });
});

describe('file roots through the shim, server confined to the root', () => {
  it('allows a relative path inside the root and denies one through an outward symlink', async () => {
    const shim = await connect(root);
    try {
      expect((await shim.call('read_text_file', { path: 'notes.txt' })).text).toBe(
        'inside content',
      );
      const escaped = await shim.call('read_text_file', { path: 'link-out' });
      expect(escaped.text).toMatch(SHIM_DENIAL);
      expect(escaped.text).not.toContain(SECRET);
    } finally {
      await shim.close();
    }
  });

  it('does not let a client advertising a wider root widen what the server may touch', async () => {
    // Started on root/sub; after initialization server-filesystem asks for the client's roots
    // and replaces its directories with the answer, which the shim narrows to the root.
    const shim = await connect(path.join(root, 'sub'), [base, root]);
    try {
      const directories = await waitForDirectoriesOtherThan(shim, [path.join(root, 'sub')]);
      expect(directories).toEqual([root]);
      const escaped = await shim.call('read_text_file', { path: path.join(outside, 'secret.txt') });
      expect(escaped.text).not.toContain(SECRET);
    } finally {
      await shim.close();
    }
  });
});

async function allowedDirectories(shim: Connected): Promise<string[]> {
  const { text } = await shim.call('list_allowed_directories', {});
  return text.split('\n').filter((line) => line.startsWith('/'));
}

/** Polls until the server's directories change (the roots exchange is asynchronous). */
async function waitForDirectoriesOtherThan(
  shim: Connected,
  initial: readonly string[],
): Promise<string[]> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const directories = await allowedDirectories(shim);
    if (JSON.stringify(directories) !== JSON.stringify(initial)) return directories;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `server-filesystem never took the client's roots; still ${JSON.stringify(initial)}`,
  );
}
