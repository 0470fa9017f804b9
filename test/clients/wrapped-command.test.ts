import { describe, expect, it } from 'vitest';
import { parseWrappedCommand } from '../../src/clients/wrapped-command.js';

describe('parseWrappedCommand', () => {
  it('splits the bin form at `--`', () => {
    expect(
      parseWrappedCommand('/usr/local/bin/mcp-opa-shim', ['--root', '/p', '--', 'npx', '-y', 's']),
    ).toEqual({
      shimArgs: ['--root', '/p'],
      serverCommand: 'npx',
      serverArgs: ['-y', 's'],
      shimArgsIndex: 0,
      serverCommandIndex: 3,
    });
  });

  it('recognises `npx -y mcp-opa-shim[@version]` and `node …/mcp-opa-shim.mjs`', () => {
    expect(
      parseWrappedCommand('npx', ['-y', 'mcp-opa-shim@0.1.0', '--', 'node', 'server.js']),
    ).toMatchObject({ shimArgs: [], serverCommand: 'node', shimArgsIndex: 2 });
    expect(
      parseWrappedCommand('C:\\Program Files\\nodejs\\node.exe', [
        'C:\\npm\\node_modules\\mcp-opa-shim\\dist\\bin\\mcp-opa-shim.mjs',
        '--audit-stderr',
        '--',
        'uvx',
      ]),
    ).toMatchObject({ shimArgs: ['--audit-stderr'], serverCommand: 'uvx', serverArgs: [] });
    expect(parseWrappedCommand('mcp-opa-shim.cmd', ['--', 'x'])).toMatchObject({
      serverCommand: 'x',
    });
  });

  it('finds the server without `--` the way the shim does (an option value is not the server)', () => {
    expect(
      parseWrappedCommand('mcp-opa-shim', ['--root', '/p', '--audit-stderr', 'npx', '--root']),
    ).toMatchObject({
      shimArgs: ['--root', '/p', '--audit-stderr'],
      serverCommand: 'npx',
      serverArgs: ['--root'],
    });
  });

  it('reports a shim entry with no server as an empty server command', () => {
    expect(parseWrappedCommand('mcp-opa-shim', ['--root', '/p'])).toMatchObject({
      serverCommand: '',
      serverCommandIndex: 2,
    });
  });

  it('is undefined for anything that does not launch the shim', () => {
    expect(parseWrappedCommand('npx', ['-y', '@modelcontextprotocol/server-memory'])).toBe(
      undefined,
    );
    expect(parseWrappedCommand('node', ['server.js', '--', 'mcp-opa-shim'])).toBe(undefined);
    expect(parseWrappedCommand('mcp-opa-shimmer', ['--', 'x'])).toBe(undefined);
  });
});
