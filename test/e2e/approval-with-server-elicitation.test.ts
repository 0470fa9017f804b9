import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { testEnv } from './helpers/launch.js';
import { assertShimBuilt, repoRoot, shimMain } from './helpers/paths.js';

describe("The shim's approval and the server's own elicitation, through one SDK v1 client", () => {
  it('asks first in its own name, then relays the server form; the two never mix up their ids', async () => {
    assertShimBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-approval-elicit-'));
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ approval: { tools: ['ask'] } }));
    const auditLog = join(dir, 'audit.jsonl');
    const client = new Client(
      { name: 'approval-and-elicitation', version: '1.0.0' },
      { capabilities: { elicitation: { form: {} } } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      const message = String((request.params as { message?: unknown }).message);
      asked.push(message.startsWith('mcp-opa-shim') ? 'shim' : 'server');
      return message.startsWith('mcp-opa-shim')
        ? { action: 'accept', content: { decision: 'approve_once' } }
        : { action: 'accept', content: { colour: 'blue', spinner_speed: 3 } };
    });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          shimMain,
          '--data',
          join(dir, 'data.json'),
          '--audit-log',
          auditLog,
          '--',
          process.execPath,
          join(repoRoot, 'test/fixtures/elicitation-server.mjs'),
        ],
        env: testEnv(),
        stderr: 'pipe',
      }),
    );
    try {
      const result = await client.callTool({ name: 'ask', arguments: { case: 'harmless' } });
      expect(result.content).toEqual([
        { type: 'text', text: JSON.stringify({ case: 'harmless', action: 'accept' }) },
      ]);
      expect(asked).toEqual(['shim', 'server']);
    } finally {
      await client.close();
    }
    const records = readFileSync(auditLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { type: string; fault?: string; answer?: string });
    expect(records.filter((r) => r.type === 'approval').map((r) => r.answer)).toEqual([
      'approve_once',
    ]);
    expect(records.filter((r) => r.type === 'fault' && r.fault !== 'child_exit')).toEqual([]);
  });
});
