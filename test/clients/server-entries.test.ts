import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ClientConfigError,
  detectFormat,
  readServerEntries,
} from '../../src/clients/server-entries.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

function read(file: string): { file: string; text: string } {
  const path = join(FIXTURES, file);
  return { file: path, text: readFileSync(path, 'utf8') };
}

describe('detectFormat', () => {
  it('names each client from its file name', () => {
    const cases = [
      ['claude-desktop/claude_desktop_config.json', 'claude-desktop'],
      ['claude-code/.mcp.json', 'claude-code'],
      ['claude-code/.claude.json', 'claude-code'],
      ['cursor/.cursor/mcp.json', 'cursor'],
      ['vscode/.vscode/mcp.json', 'vscode'],
    ] as const;
    for (const [file, format] of cases) {
      const { file: path, text } = read(file);
      expect(detectFormat(path, text), file).toBe(format);
    }
  });

  it('falls back on the keys for any other name', () => {
    expect(detectFormat('/x/servers.json', '{"servers": {}}')).toBe('vscode');
    expect(detectFormat('/x/a.json', '{"projects": {}, "mcpServers": {}}')).toBe('claude-code');
    expect(detectFormat('/x/a.json', '{"mcpServers": {}}')).toBe('generic');
  });

  it('refuses a file that is not JSON, naming the line and column', () => {
    expect(() => detectFormat('/x/a.json', '{\n  "mcpServers": {,\n}')).toThrow(ClientConfigError);
    expect(() => detectFormat('/x/a.json', '{\n  "mcpServers": {,\n}')).toThrow(
      /line 2, column 18/,
    );
  });
});

describe('readServerEntries', () => {
  it('lists the user and per-project servers of ~/.claude.json (written by `claude mcp add`)', () => {
    const entries = readServerEntries(read('claude-code/.claude.json').text, 'claude-code');
    expect(entries.map((e) => [e.scope, e.name, e.transport])).toEqual([
      [undefined, 'memory', 'stdio'],
      [undefined, 'remote', 'http'],
      ['/tmp/h13i-cc/proj', 'mem2', 'stdio'],
    ]);
    expect(entries[2]).toMatchObject({
      command: 'node',
      args: ['/x/y.js', 'a', 'b'],
      env: {},
      path: ['projects', '/tmp/h13i-cc/proj', 'mcpServers', 'mem2'],
    });
  });

  it("reads VS Code's `servers` with comments, trailing commas, cwd and a typed http entry", () => {
    const entries = readServerEntries(read('vscode/.vscode/mcp.json').text, 'vscode');
    expect(entries.map((e) => [e.name, e.transport, e.command, e.cwd])).toEqual([
      ['Perplexity', 'stdio', 'npx', undefined],
      ['fetch', 'stdio', 'uvx', '${workspaceFolder}'],
      ['github', 'http', undefined, undefined],
    ]);
    expect(entries[0]?.env).toEqual({ PERPLEXITY_API_KEY: '${input:perplexity-key}' });
  });

  it('takes a Cursor entry with only a `url` as a remote server', () => {
    const entries = readServerEntries(read('cursor/.cursor/mcp.json').text, 'cursor');
    expect(entries.map((e) => [e.name, e.transport, e.url])).toEqual([
      ['memory', 'stdio', undefined],
      ['linear', 'http', 'https://mcp.linear.app/sse'],
      ['local-tools', 'stdio', undefined],
    ]);
  });

  it('reads a Claude Desktop entry without `args` as no arguments', () => {
    const entries = readServerEntries(
      read('claude-desktop/claude_desktop_config.json').text,
      'claude-desktop',
    );
    expect(entries.map((e) => e.name)).toEqual(['filesystem', 'github', 'sqlite']);
    expect(entries[2]).toMatchObject({ command: '/usr/local/bin/mcp-server-sqlite', args: [] });
  });

  it('names an `sse` entry as such and skips values that are not objects', () => {
    const text = '{"mcpServers": {"a": {"type": "sse", "url": "http://x/sse"}, "b": 3}}';
    expect(readServerEntries(text, 'claude-code').map((e) => [e.name, e.transport])).toEqual([
      ['a', 'sse'],
    ]);
  });
});
