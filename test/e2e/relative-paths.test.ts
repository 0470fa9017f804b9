import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertShimBuilt, repoRoot, shimMain } from './helpers/paths.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * The built shim (embedded policy, `--root`) in front of the real server-filesystem started
 * through `sh -c`, so the shim cannot take its directories from its own argv. The server is
 * given the WIDER parent directory: every relative path below that would land outside the
 * root is stopped by the shim, and the filesystem is checked, not the shim's word.
 */
const FILESYSTEM = path.join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
const SECRET = 'WIDE-SECRET-CONTENT';

let wide: string;
let root: string;

beforeAll(() => {
  assertShimBuilt();
  wide = realpathSync.native(mkdtempSync(path.join(os.tmpdir(), 'mcp-opa-shim-relative-')));
  root = path.join(wide, 'root');
  mkdirSync(root);
  mkdirSync(path.join(wide, 'outdir'));
  writeFileSync(path.join(wide, 'secret.txt'), SECRET);
  writeFileSync(path.join(root, 'notes.txt'), 'inside content');
});

afterAll(() => {
  rmSync(wide, { recursive: true, force: true });
});

interface Connected {
  call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string }>;
  close(): Promise<void>;
}

function quoted(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

async function connect(
  shimOptions: readonly string[],
  server: readonly string[],
): Promise<Connected> {
  const client = new Client({ name: 'relative-paths-e2e', version: '1.0.0' }, { capabilities: {} });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [shimMain, '--root', root, '--log-level', 'silent', ...shimOptions, '--', ...server],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? wide, ...stateHomeEnv() },
    // The client starts everything inside the root, so the working directory is not the way out.
    cwd: root,
    stderr: 'pipe',
  });
  await client.connect(transport);
  return {
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

function shell(script: string): string[] {
  return ['sh', '-c', script];
}

async function expectEscapesDenied(shim: Connected, denial: RegExp): Promise<void> {
  const read = await shim.call('read_text_file', { path: 'secret.txt' });
  expect(read.isError).toBe(true);
  expect(read.text).toMatch(denial);
  expect(read.text).not.toContain(SECRET);

  const write = await shim.call('write_file', { path: 'outdir/x', content: 'escaped' });
  expect(write.isError).toBe(true);
  expect(write.text).toMatch(denial);
  expect(existsSync(path.join(wide, 'outdir', 'x'))).toBe(false);
  expect(existsSync(path.join(root, 'outdir', 'x'))).toBe(false);
}

describe('relative paths when the server is started through a shell', () => {
  it('denies relative paths the server would read against the wider directory in its -c string', async () => {
    const shim = await connect(
      [],
      shell(`exec ${quoted(process.execPath)} ${quoted(FILESYSTEM)} ${quoted(wide)}`),
    );
    try {
      await expectEscapesDenied(shim, /outside the allowed roots/);
      // Absolute paths inside the root are unaffected.
      const inside = await shim.call('read_text_file', { path: path.join(root, 'notes.txt') });
      expect(inside).toEqual({ isError: false, text: 'inside content' });
    } finally {
      await shim.close();
    }
  });

  it('denies every relative path, naming the fix, when a cd hides the server’s base', async () => {
    const shim = await connect(
      [],
      shell(`cd ${quoted(wide)} && exec ${quoted(process.execPath)} ${quoted(FILESYSTEM)} .`),
    );
    try {
      await expectEscapesDenied(shim, /is relative.*absolute path.*`--path-base <dir>`/s);
      // Even a name that would be inside the root is refused: the shim cannot know.
      const notes = await shim.call('read_text_file', { path: 'root/notes.txt' });
      expect(notes.text).toMatch(/is relative/);
    } finally {
      await shim.close();
    }
  });

  it('allows an inside relative path once --path-base names the server’s base', async () => {
    const script = `cd ${quoted(root)} && exec ${quoted(process.execPath)} ${quoted(FILESYSTEM)} .`;
    const shim = await connect(['--path-base', root], shell(script));
    try {
      expect(await shim.call('read_text_file', { path: 'notes.txt' })).toEqual({
        isError: false,
        text: 'inside content',
      });
      const made = await shim.call('write_file', { path: 'made.txt', content: 'made inside' });
      expect(made.isError).toBe(false);
      expect(readFileSync(path.join(root, 'made.txt'), 'utf8')).toBe('made inside');
      const climb = await shim.call('read_text_file', { path: '../secret.txt' });
      expect(climb.text).toMatch(/outside the allowed roots/);
      expect(climb.text).not.toContain(SECRET);
    } finally {
      await shim.close();
    }
  });

  it('allows an inside relative path when the command line shows the server’s directory', async () => {
    const shim = await connect([], [process.execPath, FILESYSTEM, root]);
    try {
      expect(await shim.call('read_text_file', { path: 'notes.txt' })).toEqual({
        isError: false,
        text: 'inside content',
      });
    } finally {
      await shim.close();
    }
  });
});
