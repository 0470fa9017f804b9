import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REPO, type ShimProcess, recordingShim } from '../helpers/shim-process.js';

const POLICY = `${REPO}test/relay/policies/deny-some-echoes.rego`;

function startRecording(): { shim: ShimProcess; record: string } {
  return recordingShim(['--policy', POLICY, '--log-level', 'silent']);
}

const call = (id: number, text: string) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'echo', arguments: { text } },
});

describe('JSON-RPC batches', () => {
  it('judges every element of a 2025-03-26 batch, forwarding the allowed ones as an array', async () => {
    const { shim, record } = startRecording();
    await shim.initialize('2025-03-26');
    shim.send([call(21, 'one'), call(22, 'forbidden'), call(23, 'three')]);
    const denied = await shim.waitFor((m) => m.id === 22);
    expect(denied.result).toMatchObject({ isError: true });
    await shim.waitFor((m) => m.id === 21);
    await shim.waitFor((m) => m.id === 23);
    const batchLine = readFileSync(record, 'utf8')
      .split('\n')
      .find((line) => line.startsWith('['));
    expect(batchLine).toBeDefined();
    const forwarded = JSON.parse(batchLine ?? '[]') as { id: number }[];
    expect(forwarded.map((m) => m.id)).toEqual([21, 23]);
    await shim.close();
  });

  it('forwards a fully allowed 2025-03-26 batch unchanged', async () => {
    const { shim, record } = startRecording();
    await shim.initialize('2025-03-26');
    const text = JSON.stringify([call(31, 'a'), call(32, 'b')]);
    shim.sendRaw(`${text}\n`);
    await shim.waitFor((m) => m.id === 32);
    expect(readFileSync(record, 'utf8')).toContain(text);
    await shim.close();
  });

  it('answers a batch with -32600 under protocol versions without batches', async () => {
    const { shim, record } = startRecording();
    await shim.initialize('2025-06-18');
    shim.send([call(41, 'a'), call(42, 'b')]);
    const refused = await shim.waitFor((m) => m.id === null && 'error' in m);
    expect(refused.error).toMatchObject({ code: -32600 });
    expect(readFileSync(record, 'utf8')).not.toContain('"id":41');
    await shim.close();
  });
});
