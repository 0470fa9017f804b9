import {
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, describe, expect, it } from 'vitest';
import { readLog } from '../audit-e2e/helpers/audit-files.js';
import {
  FIXTURES,
  OPA_DIR,
  REPO,
  SHIM,
  ShimProcess,
  nonProtocolLines,
  recordingShim,
} from '../helpers/shim-process.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * The client → server frame limit, with a real v1 SDK client and the real server-filesystem, whose
 * SDK stdio transport fails the connection on a frame over 10 MiB (and the process then exits).
 */

const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const ALLOW_ALL = join(REPO, 'test/e2e/policies/allow-all.rego');
const SDK_SAFE = 10 * 1024 * 1024 - 64 * 1024;

interface Connected {
  readonly client: Client;
  readonly dir: string;
  readonly log: string;
  stderr(): string;
}

const open: Client[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});

async function connect(): Promise<Connected> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'frame-limits-')));
  const log = join(mkdtempSync(join(tmpdir(), 'frame-limits-audit-')), 'audit.jsonl');
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      SHIM,
      '--policy',
      ALLOW_ALL,
      '--audit-log',
      log,
      '--',
      process.execPath,
      FILESYSTEM,
      dir,
    ],
    env: {
      PATH: `${OPA_DIR}:${process.env['PATH'] ?? ''}`,
      HOME: process.env['HOME'] ?? dir,
      ...stateHomeEnv(),
    },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'frame-limits', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  open.push(client);
  return { client, dir, log, stderr: () => stderr };
}

/** The content of a write_file request frame whose bytes (without the newline) are exactly `bytes`. */
function contentFor(bytes: number, id: number, path: string): string {
  const frame = (content: string) =>
    JSON.stringify({
      method: 'tools/call',
      params: { name: 'write_file', arguments: { path, content } },
      jsonrpc: '2.0',
      id,
    });
  return 'a'.repeat(bytes - Buffer.byteLength(frame('')));
}

describe('frames the server cannot take', () => {
  it('refuses an 11 MiB request with an error naming the option, and the server lives on', async () => {
    const { client, dir, log } = await connect();
    const target = join(dir, 'big.txt');
    const call = client.callTool({
      name: 'write_file',
      arguments: { path: target, content: 'x'.repeat(11 * 1024 * 1024) },
    });
    await expect(call).rejects.toThrow(
      /frame of at least \d+ bytes exceeds --max-frame-bytes-to-server=10420224/,
    );
    expect(existsSync(target)).toBe(false);
    // The same session still works: the server never saw the frame.
    const dirs = await client.callTool({ name: 'list_allowed_directories', arguments: {} });
    expect(JSON.stringify(dirs.content)).toContain(dir);
    const refused = readLog(log).filter((record) => record.type === 'fault');
    expect(refused).toMatchObject([
      { fault: 'oversize_frame', direction: 'to_server', action: 'denied' },
    ]);
  });

  it('forwards a request of exactly the default limit, which server-filesystem reads', async () => {
    const { client, dir } = await connect();
    const target = join(dir, 'at-limit.txt');
    // The SDK numbers requests from 0: initialize was 0, this call is 1.
    const content = contentFor(SDK_SAFE, 1, target);
    const result = await client.callTool({
      name: 'write_file',
      arguments: { path: target, content },
    });
    expect(result.isError).not.toBe(true);
    expect(statSync(target).size).toBe(content.length);
    expect(readFileSync(target, 'utf8').slice(0, 8)).toBe('aaaaaaaa');
  });

  it('drops an 11 MiB answer an SDK client could not read, and fails that request by its id', async () => {
    const { client, dir, log } = await connect();
    const big = join(dir, 'big.txt');
    writeFileSync(big, 'b'.repeat(11 * 1024 * 1024));
    // server-filesystem writes `id` last: `{"result":…,"jsonrpc":"2.0","id":1}`.
    const call = client.callTool({ name: 'read_text_file', arguments: { path: big } });
    await expect(call).rejects.toThrow(
      /Response dropped: server frame of at least \d+ bytes exceeds --max-frame-bytes-to-client=10420224/,
    );
    // The client's connection survived: without the limit its SDK transport would have closed it.
    const dirs = await client.callTool({ name: 'list_allowed_directories', arguments: {} });
    expect(JSON.stringify(dirs.content)).toContain(dir);
    expect(readLog(log).filter((record) => record.type === 'fault')).toMatchObject([
      { fault: 'oversize_frame', direction: 'to_client', action: 'dropped' },
    ]);
  });
});

describe('lines that never end', () => {
  it('fails both requests when a server line that never ended swallows the next answer', async () => {
    const shim = new ShimProcess(
      ['--log-level', 'silent', '--', process.execPath, join(FIXTURES, 'huge-line-server.mjs')],
      { env: { HUGE_BYTES: String(12 * 1024 * 1024), HUGE_UNTERMINATED: '1' } },
    );
    await shim.initialize();
    const huge = shim.request('tools/call', { name: 'echo', arguments: {} });
    // The server answers this ping on the same line, whose "\n" ends the huge one at last.
    const ping = shim.request('ping');
    for (const reply of await Promise.all([huge, ping])) {
      expect(reply.error).toMatchObject({
        code: -32603,
        message: expect.stringContaining('exceeds --max-frame-bytes-to-client=10420224') as string,
      });
    }
    expect((await shim.request('ping')).result).toEqual({});
    expect((await shim.close()).code).toBe(0);
    expect(nonProtocolLines(shim.stdoutLines)).toEqual([]);
  });

  it('refuses a client line over the limit that ends without a newline, by its id', async () => {
    const { shim, recorded } = recordingShim(['--log-level', 'silent']);
    await shim.initialize();
    const params = { name: 'echo', arguments: { text: 'z'.repeat(11 * 1024 * 1024) } };
    // SDK field order (id last) and no newline: the frame ends with the stream.
    shim.sendRaw(JSON.stringify({ method: 'tools/call', params, jsonrpc: '2.0', id: 9 }));
    const exit = await shim.close();
    const refused = shim.stdoutLines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(refused.at(-1)).toMatchObject({ id: 9, error: { code: -32600 } });
    expect(recorded()).not.toContain('zzzz');
    expect(exit.code).toBe(0);
  });
});
