import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordingShim, type ShimProcess } from '../helpers/shim-process.js';

/**
 * A 2025-03-26 client may batch its requests. A call in a batch that the policy wants approved is
 * asked about like any other, and reaches the server only after approval. SDK clients do not send
 * batches, so this drives the shim with raw lines; the server is the recording fixture, which
 * proves what reached it.
 */
const work = mkdtempSync(join(tmpdir(), 'approval-batch-'));
const data = join(work, 'data.json');
writeFileSync(data, JSON.stringify({ approval: { tools: ['echo'] } }));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let running: ShimProcess | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

type Message = Record<string, unknown>;

async function batchedCall(answer: string): Promise<{ reply: Message; recorded: string }> {
  const started = recordingShim(['--data', data, '--pins', 'off']);
  running = started.shim;
  const shim = started.shim;
  await shim.initialize('2025-03-26', { elicitation: {} });
  shim.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  const asked = shim.waitFor((m) => m['method'] === 'elicitation/create');
  shim.send([
    {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'hi' } },
    },
  ]);
  const question = await asked;
  expect(String(question['id'])).toMatch(/^mcp-opa-shim\/approval\//);
  // Asked, not yet forwarded.
  expect(started.recorded()).not.toContain('"tools/call"');
  const replied = shim.waitFor((m) => m['id'] === 7);
  shim.send({
    jsonrpc: '2.0',
    id: question['id'] as string,
    result: { action: 'accept', content: { decision: answer } },
  });
  const reply = await replied;
  return { reply, recorded: started.recorded() };
}

describe('Approval of a call inside a JSON-RPC batch (2025-03-26)', () => {
  it('forwards the batched call once approved, and the client gets its result', async () => {
    const { reply, recorded } = await batchedCall('approve_once');
    expect(reply).toHaveProperty('result');
    expect(JSON.stringify(reply)).not.toContain('"isError":true');
    expect(recorded).toContain('"tools/call"');
    // The shim's question and its answer never reach the server.
    expect(recorded).not.toContain('mcp-opa-shim/approval/');
  });

  it('never forwards the batched call when the human denies it', async () => {
    const { reply, recorded } = await batchedCall('deny');
    expect(JSON.stringify(reply)).toMatch(/approval required/);
    expect(JSON.stringify(reply)).toContain('"isError":true');
    expect(recorded).not.toContain('"tools/call"');
  });
});
