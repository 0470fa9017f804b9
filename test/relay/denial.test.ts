import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO, ShimProcess, nonProtocolLines, recordingShim } from '../helpers/shim-process.js';

const POLICY = `${REPO}test/relay/policies/deny-some-echoes.rego`;

function recordedLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '');
}

describe('denials through the shim', () => {
  let shim: ShimProcess | undefined;
  afterEach(async () => {
    await shim?.close();
    shim = undefined;
  });

  function start(): { shim: ShimProcess; record: string } {
    const started = recordingShim(['--policy', POLICY, '--log-level', 'silent']);
    shim = started.shim;
    return started;
  }

  it('forwards an allowed tool call and returns the server result', async () => {
    const { shim, record } = start();
    await shim.initialize();
    const reply = await shim.request('tools/call', { name: 'echo', arguments: { text: 'hello' } });
    expect(reply.result).toMatchObject({ content: [{ type: 'text', text: 'hello' }] });
    expect(recordedLines(record).some((line) => line.includes('"hello"'))).toBe(true);
  });

  it('gives a denied tool call in a 2026-07-28 session the resultType its clients require', async () => {
    const { shim } = start();
    const reply = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'forbidden' },
      _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' },
    });
    expect(reply.result).toEqual({
      resultType: 'complete',
      content: [{ type: 'text', text: 'Saying forbidden things is not allowed.' }],
      isError: true,
    });
  });

  it('answers a denied tool call with isError and the policy message, and the server never receives it', async () => {
    const { shim, record } = start();
    await shim.initialize();
    const reply = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'forbidden' },
    });
    expect(reply.result).toEqual({
      content: [{ type: 'text', text: 'Saying forbidden things is not allowed.' }],
      isError: true,
    });
    // A later allowed call proves the server is alive and reading; the denied one is absent.
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'after' } });
    const lines = recordedLines(record);
    expect(lines.some((line) => line.includes('"after"'))).toBe(true);
    expect(lines.some((line) => line.includes('forbidden'))).toBe(false);
    expect(reply.result).not.toHaveProperty('internal_message');
    expect(shim.stdoutLines.join('\n')).not.toContain('rule: no-forbidden-echo');
  });

  it('answers a call to a hidden tool exactly like an unknown tool when the policy asks to conceal it', async () => {
    const { shim, record } = start();
    await shim.initialize();
    const reply = await shim.request('tools/call', { name: 'secret_tool', arguments: {} });
    expect(reply.error).toEqual({ code: -32602, message: 'Unknown tool: secret_tool' });
    expect(recordedLines(record).some((line) => line.includes('secret_tool'))).toBe(false);
  });

  it('answers a method disabled outright with -32601 carrying the reason', async () => {
    const { shim, record } = start();
    await shim.initialize();
    const reply = await shim.request('ping');
    expect(reply.error).toEqual({
      code: -32601,
      message: 'Method not found: ping (pings are disabled)',
    });
    expect(recordedLines(record).some((line) => line.includes('"ping"'))).toBe(false);
  });

  it('drops the cancellation of a denied request and forwards other cancellations', async () => {
    const { shim, record } = start();
    await shim.initialize();
    const denied = await shim.request('tools/call', {
      name: 'echo',
      arguments: { text: 'forbidden' },
    });
    shim.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: denied.id, reason: 'x' },
    });
    shim.send({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: 999, reason: 'y' },
    });
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'sync' } });
    const cancels = recordedLines(record).filter((line) =>
      line.includes('notifications/cancelled'),
    );
    expect(cancels).toHaveLength(1);
    expect(cancels[0]).toContain('999');
  });

  it('keeps stdout to protocol messages only', async () => {
    const { shim } = start();
    await shim.initialize();
    await shim.request('tools/call', { name: 'echo', arguments: { text: 'forbidden' } });
    await shim.close();
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
    expect(shim.partialLine).toBe('');
  });
});
