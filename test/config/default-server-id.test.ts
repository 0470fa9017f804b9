import { describe, expect, it } from 'vitest';
import { defaultServerId } from '../../src/config/default-server-id.js';

const cases: readonly [string, readonly string[], string][] = [
  ['npx', ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'], 'server-filesystem'],
  ['npx', ['--yes', '@modelcontextprotocol/server-everything@2026.8.31'], 'server-everything'],
  ['npx', ['-p', '@acme/tools', 'acme-mcp', '--flag'], 'acme-mcp'],
  ['npx', ['mcp-remote@latest', 'https://example.com/mcp'], 'mcp-remote'],
  ['/usr/local/bin/npx', ['-y', '--', 'some-server'], 'some-server'],
  ['C:\\Program Files\\nodejs\\npx.cmd', ['-y', '@scope/win-server'], 'win-server'],
  ['cmd', ['/c', 'npx', '-y', '@scope/wrapped-server'], 'wrapped-server'],
  ['npm', ['exec', '--', '@scope/exec-server'], 'exec-server'],
  ['pnpm', ['dlx', 'dlx-server'], 'dlx-server'],
  ['bunx', ['bun-server@1'], 'bun-server'],
  ['uvx', ['mcp-server-fetch'], 'mcp-server-fetch'],
  ['uvx', ['--from', 'git+https://github.com/acme/mcp-tools.git', 'acme-tools'], 'acme-tools'],
  ['uvx', ['mcp-server-git==0.6.2', '--repository', '.'], 'mcp-server-git'],
  ['uv', ['--directory', '/srv/weather', 'run', 'weather.py'], 'weather'],
  ['uv', ['tool', 'run', 'mcp-server-time'], 'mcp-server-time'],
  ['pipx', ['run', 'mcp-server-sqlite[cli]'], 'mcp-server-sqlite'],
  ['python', ['-m', 'mcp_server_time', '--local-timezone', 'UTC'], 'mcp_server_time'],
  ['python3.12', ['-u', '/srv/tools/server.py'], 'server'],
  ['node', ['/srv/github/dist/index.js'], 'github'],
  ['node', ['--import', 'tsx', 'src/main.ts'], 'main'],
  ['node', ['build/weather-server.mjs'], 'weather-server'],
  ['deno', ['run', '-A', 'npm:@scope/deno-server'], 'deno-server'],
  [
    'docker',
    ['run', '-i', '--rm', '-e', 'GITHUB_TOKEN', 'ghcr.io/github/github-mcp-server:latest'],
    'github-mcp-server',
  ],
  ['docker', ['run', '-i', '--rm', '-v', '/data:/data', 'mcp/fetch'], 'fetch'],
  ['/opt/servers/my-server', ['--stdio'], 'my-server'],
  ['./bin/server.exe', [], 'server'],
  ['node', ['-e', 'console.log(1)'], 'node'],
  ['npx', [], 'npx'],
];

describe('the default server id', () => {
  it.each(cases)('for %s %j is %s', (command, args, expected) => {
    expect(defaultServerId(command, args)).toBe(expected);
  });
});
