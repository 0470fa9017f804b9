import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, ShimProcess, nonProtocolLines, recordingShim } from '../helpers/shim-process.js';

const ALLOW_ALL = ['--log-level', 'warn'];
const node = process.execPath;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'shim-faults-'));
}

describe('faults', () => {
  it('answers a request left pending when the child exits mid-request, then exits with its code', async () => {
    const shim = new ShimProcess([
      ...ALLOW_ALL,
      '--',
      node,
      `${FIXTURES}/crash-mid-request-server.mjs`,
    ]);
    await shim.initialize();
    const reply = await shim.request('tools/call', { name: 'echo', arguments: { text: 'boom' } });
    expect(reply.error).toMatchObject({ code: -32603 });
    expect((reply.error as { message: string }).message).toContain('exit code 3');
    expect((await shim.exited).code).toBe(3);
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
  });

  it('escalates to SIGKILL when the child ignores SIGTERM after stdin closes', async () => {
    const shim = new ShimProcess([
      ...ALLOW_ALL,
      '--shutdown-grace-ms',
      '200',
      '--',
      node,
      `${FIXTURES}/ignores-sigterm-server.mjs`,
    ]);
    await shim.initialize();
    const exit = await shim.close();
    expect(exit.code).toBe(128 + 9);
    expect(shim.stderr).toContain('ignoring SIGTERM');
  });

  it('exits with the child exit code, or 128 + signal when the child was killed', async () => {
    const coded = new ShimProcess([...ALLOW_ALL, '--', node, `${FIXTURES}/exit-code-server.mjs`], {
      env: { EXIT_CODE: '5' },
    });
    await coded.initialize();
    expect((await coded.exited).code).toBe(5);
    const signalled = new ShimProcess(
      [...ALLOW_ALL, '--', node, `${FIXTURES}/exit-code-server.mjs`],
      { env: { EXIT_SIGNAL: 'SIGTERM' } },
    );
    await signalled.initialize();
    expect((await signalled.exited).code).toBe(128 + 15);
  });

  it('forwards SIGTERM to the child and exits with its status', async () => {
    const shim = new ShimProcess([...ALLOW_ALL, '--', node, `${FIXTURES}/echo-server.mjs`]);
    await shim.initialize();
    shim.child.kill('SIGTERM');
    expect((await shim.exited).code).toBe(128 + 15);
  });

  it('refuses an oversize client frame without forwarding it and keeps the stream in sync', async () => {
    const { shim, recorded } = recordingShim([...ALLOW_ALL, '--max-frame-bytes', '2000']);
    await shim.initialize();
    shim.send({
      jsonrpc: '2.0',
      id: 77,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: 'y'.repeat(5000) } },
    });
    const refused = await shim.waitFor((m) => m.id === 77);
    expect(refused.error).toMatchObject({ code: -32600 });
    expect((refused.error as { message: string }).message).toContain(
      '--max-frame-bytes-to-server=2000',
    );
    const after = await shim.request('tools/call', { name: 'echo', arguments: { text: 'small' } });
    expect(after.result).toMatchObject({ content: [{ text: 'small' }] });
    expect(recorded()).not.toContain('yyyy');
    await shim.close();
  });

  it('drops an oversize server frame, fails its request and relays the next one', async () => {
    const shim = new ShimProcess(
      [...ALLOW_ALL, '--max-frame-bytes', '4096', '--', node, `${FIXTURES}/huge-line-server.mjs`],
      {
        env: { HUGE_BYTES: '100000' },
      },
    );
    await shim.initialize();
    const huge = await shim.request('tools/call', { name: 'echo', arguments: {} });
    expect(huge.error).toMatchObject({ code: -32603 });
    const list = await shim.request('tools/list');
    expect(list.result).toHaveProperty('tools');
    await shim.close();
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
  });

  it('answers malformed JSON from the client with a parse error and forwards nothing', async () => {
    const shim = new ShimProcess([...ALLOW_ALL, '--', node, `${FIXTURES}/echo-server.mjs`]);
    await shim.initialize();
    shim.sendRaw('{"jsonrpc":"2.0","id":5,"method":\n');
    const error = await shim.waitFor((m) => m.id === null);
    expect(error.error).toMatchObject({ code: -32700 });
    expect((await shim.request('ping')).result).toEqual({});
    await shim.close();
  });

  it('drops non-JSON lines from the server so they never reach the client', async () => {
    const shim = new ShimProcess([...ALLOW_ALL, '--', node, `${FIXTURES}/noisy-stdout-server.mjs`]);
    await shim.initialize();
    await shim.request('tools/list');
    await shim.close();
    expect(shim.stdoutLines.join('\n')).not.toContain('not JSON');
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
    expect(shim.stderr).toContain('dropped a server line that is not JSON');
  });

  it('refuses a frame with duplicate keys so the server never sees an ambiguous message', async () => {
    const { shim, recorded } = recordingShim(ALLOW_ALL);
    await shim.initialize();
    shim.sendRaw(
      '{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"echo","name":"rm_rf","arguments":{}}}\n',
    );
    const refused = await shim.waitFor((m) => m.id === 9);
    expect(refused.error).toEqual({
      code: -32600,
      message: 'Invalid Request: duplicate key "name"',
    });
    await shim.request('ping');
    expect(recorded()).not.toContain('rm_rf');
    await shim.close();
  });

  it('keeps integers above 2^53 intact on the way to the server', async () => {
    const { shim, recorded } = recordingShim(ALLOW_ALL);
    await shim.initialize();
    shim.sendRaw(
      '{"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"echo","arguments":{"n":9007199254740993}}}\n',
    );
    await shim.waitFor((m) => m.id === 10);
    expect(recorded()).toContain('9007199254740993');
    await shim.close();
  });

  it('refuses to start with an unloadable policy, before spawning the server', async () => {
    const dir = tempDir();
    const badPolicy = join(dir, 'broken.wasm');
    writeFileSync(badPolicy, 'not wasm at all');
    const record = join(dir, 'record.jsonl');
    const shim = new ShimProcess(
      ['--policy', badPolicy, '--', node, `${FIXTURES}/recording-server.mjs`],
      { env: { RECORD_FILE: record } },
    );
    const exit = await shim.exited;
    expect(exit.code).not.toBe(0);
    expect(shim.stderr).toContain(badPolicy);
    expect(shim.stdoutLines).toEqual([]);
    expect(existsSync(record)).toBe(false);
  });

  it('reports a command that cannot be spawned on stderr with a non-zero exit', async () => {
    const shim = new ShimProcess(['--', 'definitely-not-a-command-mcp-opa-shim']);
    const exit = await shim.exited;
    expect(exit.code).toBe(127);
    expect(shim.stderr).toContain('definitely-not-a-command-mcp-opa-shim');
    expect(shim.stdoutLines).toEqual([]);
  });
});
