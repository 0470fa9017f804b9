import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertShimBuilt, repoRoot, shimMain } from '../e2e/helpers/paths.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * The README's `--path-base` command, run for real: `~/proj` becomes a temporary directory and
 * `npx -y @modelcontextprotocol/server-filesystem` the installed server (npx would look it up
 * in the registry from inside `~/proj`). Everything else is the README's line, word for word.
 */
const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const line = readme.split('\n').find((l) => l.startsWith('mcp-opa-shim --root ~/proj --path-base'));
const FILESYSTEM = path.join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

let project: string;

beforeAll(() => {
  assertShimBuilt();
  project = realpathSync.native(mkdtempSync(path.join(os.tmpdir(), 'readme-path-base-')));
  writeFileSync(path.join(project, 'notes.txt'), 'notes from the project');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

/** The words of the README line after `mcp-opa-shim`, with the shell's quoting undone. */
function readmeArguments(): string[] {
  expect(line).toBeDefined();
  const match = /^mcp-opa-shim (.*) -- sh -c '(.*)'$/.exec(line ?? '');
  expect(match).not.toBeNull();
  const options = (match?.[1] ?? '').split(' ').map((word) => (word === '~/proj' ? project : word));
  const script = (match?.[2] ?? '')
    .replace('~/proj', project)
    .replace('npx -y @modelcontextprotocol/server-filesystem', `node ${FILESYSTEM}`);
  return [...options, '--', 'sh', '-c', script];
}

describe('README: relative paths and --path-base', () => {
  it('reads a relative path inside the root and refuses one that leaves it', async () => {
    const client = new Client({ name: 'readme-path-base', version: '1.0.0' }, { capabilities: {} });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [shimMain, '--log-level', 'silent', ...readmeArguments()],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? project, ...stateHomeEnv() },
      stderr: 'pipe',
    });
    await client.connect(transport);
    try {
      const inside = await client.callTool({
        name: 'read_text_file',
        arguments: { path: 'notes.txt' },
      });
      expect(inside.isError).not.toBe(true);
      expect(JSON.stringify(inside.content)).toContain('notes from the project');
      const outside = await client.callTool({
        name: 'read_text_file',
        arguments: { path: '../etc/passwd' },
      });
      expect(outside.isError).toBe(true);
      expect(JSON.stringify(outside.content)).toMatch(/outside the allowed roots/);
    } finally {
      await client.close();
    }
  });
});
