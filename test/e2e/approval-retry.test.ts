import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeServer } from './helpers/launch.js';
import { repoRoot } from './helpers/paths.js';
import { RawPeer } from './helpers/raw-shim.js';

const META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw-modern', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
};

const echo = (id: number, text: string, inputResponses?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: {
    name: 'echo',
    arguments: { text },
    ...(inputResponses === undefined ? {} : { inputResponses }),
    _meta: META,
  },
});

const approve = { action: 'accept', content: { decision: 'approve_once' } };

let peer: RawPeer | undefined;
afterEach(async () => {
  await peer?.end();
  peer = undefined;
});

/** The shim (the default policy, `echo` needing approval) before the recording server, modern era. */
function start() {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-approval-retry-'));
  writeFileSync(join(dir, 'data.json'), JSON.stringify({ approval: { tools: ['echo'] } }));
  const record = join(dir, 'server-lines');
  peer = new RawPeer(
    'shim',
    nodeServer(join(repoRoot, 'test/fixtures/recording-server.mjs'), '--modern'),
    {
      policy: join(repoRoot, 'policy.rego'),
      extraArgs: ['--data', join(dir, 'data.json')],
      env: { RECORD_FILE: record },
    },
  );
  const calls = () =>
    (existsSync(record) ? readFileSync(record, 'utf8').split('\n') : [])
      .filter((line) => line.includes('tools/call'))
      .map((line) => JSON.parse(line) as { id: number; params: Record<string, unknown> });
  return { peer, calls };
}

async function askKey(raw: RawPeer, id: number, text: string): Promise<string> {
  raw.send(echo(id, text));
  const reply = (await raw.response(id)) as {
    result: { resultType: string; inputRequests: Record<string, { method: string }> };
  };
  expect(reply.result.resultType).toBe('input_required');
  const [key, request] = Object.entries(reply.result.inputRequests)[0] ?? [];
  expect(request?.method).toBe('elicitation/create');
  return key ?? '';
}

const denial = async (raw: RawPeer, id: number) => JSON.stringify(await raw.response(id));

describe('2026-07-28 approval retries, on the wire', () => {
  it('forwards the approved retry without the shim key, once; the same answer cannot be replayed', async () => {
    const { peer: raw, calls } = start();
    const key = await askKey(raw, 1, 'hello');
    expect(key).toMatch(/^mcp-opa-shim\/approval\/[0-9a-f-]{36}$/);
    expect(calls()).toEqual([]);
    raw.send(echo(2, 'hello', { [key]: approve }));
    await raw.response(2);
    expect(calls().map((call) => [call.id, 'inputResponses' in call.params])).toEqual([[2, false]]);
    raw.send(echo(3, 'hello', { [key]: approve }));
    expect(await denial(raw, 3)).toContain(
      'which the shim did not issue in this session or was answered already',
    );
    expect(calls().map((call) => call.id)).toEqual([2]);
  });

  it('denies a retry whose arguments are not the ones the human approved', async () => {
    const { peer: raw, calls } = start();
    const key = await askKey(raw, 1, 'harmless');
    raw.send(echo(2, 'something else', { [key]: approve }));
    expect(await denial(raw, 2)).toContain('the approval answered is for another call');
    expect(calls()).toEqual([]);
  });

  it('denies a made-up shim key', async () => {
    const { peer: raw, calls } = start();
    raw.send(
      echo(1, 'hello', { 'mcp-opa-shim/approval/00000000-0000-4000-8000-000000000000': approve }),
    );
    expect(await denial(raw, 1)).toContain('which the shim did not issue');
    expect(calls()).toEqual([]);
  });
});
