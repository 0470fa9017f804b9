import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ShimProcess } from '../helpers/shim-process.js';
import { tempDir } from '../input/helpers/input-fixtures.js';
import { assertShimBuilt, repoRoot, shimMain } from './helpers/paths.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * Finding 2 of issue 10 (time of check vs time of use): `move_file p → q`, pipelined with a read
 * or write under `q`, where `p` holds a symlink out of the root. The server is given the WIDER
 * parent directory, so only the shim stands between the model and the outside file. Without a
 * barrier the second call is judged while `q` does not exist yet (inside) and run by the server
 * after the move (outside). The race is run many times; it must never be won.
 */
const FILESYSTEM = path.join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);
const SECRET = 'TOP-SECRET-OUTSIDE-THE-ROOT';
/** Rounds per variant; the second call follows the move by 0 to 2.25 ms, sweeping the window. */
const ROUNDS = 40;
const delayOf = (round: number): number => (round % 10) * 0.25;

let base: string;
let root: string;
let outside: string;
let auditLog: string;
let shim: ShimProcess;
let nextId = 100;

beforeAll(async () => {
  assertShimBuilt();
  base = tempDir('mcp-opa-shim-barrier-');
  root = path.join(base, 'root');
  outside = path.join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  auditLog = path.join(base, 'audit.jsonl');
  shim = new ShimProcess(
    [
      '--root',
      root,
      '--audit-log',
      auditLog,
      '--log-level',
      'silent',
      '--',
      process.execPath,
      FILESYSTEM,
      base,
    ],
    { main: shimMain },
  );
  await shim.initialize();
});

afterAll(async () => {
  await shim.close();
  rmSync(base, { recursive: true, force: true });
});

const call = (id: number, name: string, args: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

/**
 * The second call follows the first without waiting for its answer: in the same write when
 * `delayMs` is 0, else that long after (busy-waiting: a timer is far coarser than the window
 * in which the server runs the second call after the move that the shim judged it before).
 */
async function pipelined(
  first: ReturnType<typeof call>,
  second: ReturnType<typeof call>,
  delayMs = 0,
): Promise<[Record<string, unknown>, Record<string, unknown>]> {
  const answers = Promise.all([
    shim.waitFor((m) => m.id === first.id && !('method' in m)),
    shim.waitFor((m) => m.id === second.id && !('method' in m)),
  ]);
  if (delayMs === 0) {
    shim.sendRaw(`${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);
  } else {
    shim.send(first);
    const until = performance.now() + delayMs;
    while (performance.now() < until);
    shim.send(second);
  }
  return answers;
}

interface AuditedPath {
  readonly raw: string;
  readonly resolved?: string;
  readonly within_roots: boolean;
}

function auditedPaths(): { tool: string | undefined; paths: AuditedPath[] }[] {
  return readFileSync(auditLog, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"decision"'))
    .map((line) => {
      const record = JSON.parse(line) as {
        input: { operation: { name?: string }; paths: AuditedPath[] } | null;
      };
      return { tool: record.input?.operation.name, paths: record.input?.paths ?? [] };
    });
}

describe('namespace barrier: a move pipelined with a call under its destination', () => {
  it('never lets a read through a moved symlink reach the file outside the root', async () => {
    const answers: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const from = path.join(root, `p${String(round)}`);
      const to = path.join(root, `q${String(round)}`);
      mkdirSync(from);
      symlinkSync(path.join(outside, 'secret.txt'), path.join(from, 'lnk'));
      const [moved, read] = await pipelined(
        call(nextId++, 'move_file', { source: from, destination: to }),
        call(nextId++, 'read_text_file', { path: path.join(to, 'lnk') }),
        delayOf(round),
      );
      expect(JSON.stringify(moved)).toContain('Successfully moved');
      answers.push(JSON.stringify(read));
    }
    const leaked = answers.filter((answer) => answer.includes(SECRET));
    expect(leaked, `${String(leaked.length)} of ${String(ROUNDS)} reads leaked`).toEqual([]);
    // Judged after the move: every read resolved outside the root, and the audit says so.
    const reads = auditedPaths().filter((entry) => entry.tool === 'read_text_file');
    expect(reads).toHaveLength(ROUNDS);
    for (const read of reads) {
      expect(read.paths.map((p) => p.within_roots)).toEqual([false]);
      expect(read.paths[0]?.resolved).toBe(path.join(outside, 'secret.txt'));
    }
  });

  it('never lets a write through a moved directory symlink create a file outside the root', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const from = path.join(root, `d${String(round)}`);
      const to = path.join(root, `e${String(round)}`);
      mkdirSync(from);
      symlinkSync(outside, path.join(from, 'sub'));
      await pipelined(
        call(nextId++, 'move_file', { source: from, destination: to }),
        call(nextId++, 'write_file', {
          path: path.join(to, 'sub', `planted-${String(round)}.txt`),
          content: 'written from inside the root',
        }),
        delayOf(round),
      );
    }
    const planted = Array.from({ length: ROUNDS }, (_, round) =>
      path.join(outside, `planted-${String(round)}.txt`),
    ).filter((file) => existsSync(file));
    expect(planted, `${String(planted.length)} of ${String(ROUNDS)} writes escaped`).toEqual([]);
    const writes = auditedPaths().filter((entry) => entry.tool === 'write_file');
    expect(writes).toHaveLength(ROUNDS);
    for (const write of writes) expect(write.paths.map((p) => p.within_roots)).toEqual([false]);
  });

  it('still allows pipelined reads of a file inside the root', async () => {
    const inside = path.join(root, 'plain.txt');
    writeFileSync(inside, 'inside content');
    const [first, second] = await pipelined(
      call(nextId++, 'read_text_file', { path: inside }),
      call(nextId++, 'get_file_info', { path: inside }),
    );
    expect(JSON.stringify(first)).toContain('inside content');
    expect(JSON.stringify(second)).not.toContain('isError":true');
  });
});

describe('namespace barrier with a real SDK client', () => {
  it('a v1 client calling move_file and a read under its destination at once never gets the outside file', async () => {
    const client = new Client({ name: 'barrier-e2e', version: '1.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [
          shimMain,
          '--root',
          root,
          '--log-level',
          'silent',
          '--',
          process.execPath,
          FILESYSTEM,
          base,
        ],
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? base, ...stateHomeEnv() },
        stderr: 'pipe',
      }),
    );
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const from = path.join(root, `sdk-p${String(round)}`);
        const to = path.join(root, `sdk-q${String(round)}`);
        mkdirSync(from);
        symlinkSync(path.join(outside, 'secret.txt'), path.join(from, 'lnk'));
        // Not awaited one by one: the SDK writes both requests before either is answered.
        const [moved, read] = await Promise.all([
          client.callTool({ name: 'move_file', arguments: { source: from, destination: to } }),
          client.callTool({ name: 'read_text_file', arguments: { path: path.join(to, 'lnk') } }),
        ]);
        expect(moved.isError).not.toBe(true);
        expect(read.isError).toBe(true);
        expect(JSON.stringify(read)).not.toContain(SECRET);
      }
    } finally {
      await client.close();
    }
  });
});

describe('namespace barrier when the server dies', () => {
  it('answers the request held behind the barrier with an error, and the shim exits with the server', async () => {
    const dead = new ShimProcess(
      [
        '--root',
        root,
        '--log-level',
        'silent',
        '--',
        process.execPath,
        `${FIXTURES}/crash-mid-request-server.mjs`,
      ],
      { main: shimMain },
    );
    await dead.initialize();
    // An unknown tool with a path is a barrier; the server exits on it without answering.
    dead.sendRaw(
      `${JSON.stringify(call(2, 'put', { path: path.join(root, 'x') }))}\n` +
        `${JSON.stringify(call(3, 'read_text_file', { path: path.join(root, 'plain.txt') }))}\n`,
    );
    const [barrier, held] = await Promise.all([
      dead.waitFor((m) => m.id === 2),
      dead.waitFor((m) => m.id === 3),
    ]);
    expect(barrier.error).toMatchObject({ code: -32603 });
    expect(held.error).toMatchObject({ code: -32603 });
    expect((held.error as { message: string }).message).toMatch(/server exited/);
    expect((await dead.exited).code).toBe(3);
  });
});
