import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertShimBuilt, repoRoot, shimMain } from '../e2e/helpers/paths.js';
import { audit } from './helpers/run-audit.js';

/**
 * The offline commands on a log recorded live: a real SDK client drives
 * @modelcontextprotocol/server-filesystem through the built shim with --audit-log.
 */

const filesystemServer = join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
let root: string;
let log: string;

async function session(
  principal: string,
  calls: [string, Record<string, unknown>][],
): Promise<void> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      shimMain,
      '--principal',
      principal,
      '--root',
      root,
      '--audit-log',
      log,
      '--log-level',
      'silent',
      '--',
      process.execPath,
      filesystemServer,
      root,
    ],
    env: { PATH: process.env['PATH'] ?? '', HOME: root },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'audit-test', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  for (const [name, args] of calls) await client.callTool({ name, arguments: args });
  await client.close();
}

beforeAll(async () => {
  assertShimBuilt();
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'fs-session-')));
  root = join(dir, 'projects');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'README.md'), '# demo\n');
  writeFileSync(join(root, 'src/main.ts'), 'export {};\n');
  log = join(dir, 'audit.jsonl');
  await session('alice', [
    ['read_text_file', { path: join(root, 'README.md') }],
    ['read_text_file', { path: '/etc/passwd' }],
    ['write_file', { path: join(root, 'notes.txt'), content: 'hello' }],
  ]);
  await session('bob', [
    ['get_file_info', { path: join(root, 'src/main.ts') }],
    ['read_text_file', { path: join(root, '../'.repeat(12), 'etc/hostname') }],
  ]);
}, 120_000);

describe('offline audit of a live server-filesystem session', () => {
  it('verifies the recorded chain', async () => {
    const { code, stdout } = await audit('verify', log);
    expect(code).toBe(0);
    expect(stdout).toContain('in 2 session(s)');
  });

  it('reports every path by principal and tool, inside or outside the root', async () => {
    const { code, stdout } = await audit('roots', '--json', log);
    expect(code).toBe(0);
    const rows = (JSON.parse(stdout) as { rows: Record<string, unknown>[] }).rows.map((r) => [
      r['principal'],
      r['operation'],
      r['path'],
      r['within_roots'],
      r['allowed'],
      r['denied'],
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['alice', 'read_text_file', join(root, 'README.md'), true, 1, 0],
        ['alice', 'read_text_file', '/etc/passwd', false, 0, 1],
        ['alice', 'write_file', join(root, 'notes.txt'), true, 1, 0],
        ['bob', 'get_file_info', join(root, 'src/main.ts'), true, 1, 0],
        ['bob', 'read_text_file', '/etc/hostname', false, 0, 1],
      ]),
    );
  });

  it('replays the log against candidate data and lists the decisions that change', async () => {
    const candidate = join(root, '..', 'read-only.yaml');
    writeFileSync(candidate, 'allowed_tools:\n  "*": [read_text_file, get_file_info]\n');
    const same = await audit('replay', log);
    expect(same.code).toBe(0);
    const changed = await audit('replay', '--json', '--data', candidate, log);
    expect(changed.code).toBe(1);
    const report = JSON.parse(changed.stdout) as {
      changed: { change: string; principal: string; operation: string }[];
    };
    expect(report.changed.map((c) => `${c.change} ${c.principal} ${c.operation}`)).toEqual([
      'allow→deny alice tools/call write_file',
    ]);
  });

  it('summarises by principal, operation and decision', async () => {
    const { code, stdout } = await audit('summary', '--json', log);
    expect(code).toBe(0);
    const summary = JSON.parse(stdout) as {
      sessions: number;
      by_operation: Record<string, number>;
      by_decision: Record<string, number>;
    };
    expect(summary.sessions).toBe(2);
    expect(summary.by_operation['tools/call read_text_file']).toBe(3);
    expect(summary.by_decision['deny']).toBe(2);
  });
});
