import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as V2Client } from '@modelcontextprotocol/client';
import { StdioClientTransport as V2Transport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRITE_MS } from '../../src/state/counters/quota-segments.js';
import { assertShimBuilt, everythingServer, repoRoot, shimMain } from './helpers/paths.js';

/**
 * Rate limits and quotas end to end (docs/rate-limits.md): the built shim with the embedded
 * policy and `--data`, real SDK clients (v1 and v2), the real server-everything and the echo
 * fixture. Nothing is faked: the minute really passes, the quota files are really shared.
 */
const ECHO_SERVER = path.join(repoRoot, 'test/fixtures/echo-server.mjs');

let work: string;

beforeAll(() => {
  assertShimBuilt();
  work = mkdtempSync(path.join(os.tmpdir(), 'mcp-opa-shim-rates-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Called {
  readonly isError: boolean;
  readonly text: string;
}

interface Connected {
  call(name: string, args: Record<string, unknown>): Promise<Called>;
  close(): Promise<void>;
}

function dataFile(name: string, yaml: string): string {
  const file = path.join(work, name);
  writeFileSync(file, yaml);
  return file;
}

function shimArgs(options: readonly string[], server: readonly string[]): string[] {
  return [shimMain, '--log-level', 'error', ...options, '--', ...server];
}

const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: work });

function textOf(result: object): Called {
  const { content: raw, isError } = result as { content?: unknown; isError?: unknown };
  const content = (raw ?? []) as { type: string; text?: string }[];
  return {
    isError: isError === true,
    text: content.map((block) => block.text ?? '').join('\n'),
  };
}

async function connectV1(
  options: readonly string[],
  server: readonly string[],
): Promise<Connected> {
  const client = new V1Client({ name: 'rates-e2e-v1', version: '1.0.0' }, { capabilities: {} });
  // Any line on the shim's stdout that is not a protocol message surfaces here.
  const errors: unknown[] = [];
  client.onerror = (error) => errors.push(error);
  await client.connect(
    new V1Transport({
      command: process.execPath,
      args: shimArgs(options, server),
      env: env(),
      stderr: 'pipe',
    }),
  );
  return {
    call: async (name, args) => textOf(await client.callTool({ name, arguments: args })),
    close: async () => {
      await client.close();
      expect(errors).toEqual([]);
    },
  };
}

async function connectV2(
  options: readonly string[],
  server: readonly string[],
): Promise<Connected> {
  const client = new V2Client({ name: 'rates-e2e-v2', version: '2.0.0' }, { capabilities: {} });
  const errors: unknown[] = [];
  client.onerror = (error) => errors.push(error);
  const transport = new V2Transport({
    command: process.execPath,
    args: shimArgs(options, server),
    env: env(),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await client.connect(transport);
  return {
    call: async (name, args) => {
      const result = textOf(await client.callTool({ name, arguments: args }));
      return stderr === '' ? result : { ...result, text: `${result.text}\n[stderr] ${stderr}` };
    },
    close: async () => {
      await client.close();
      expect(errors).toEqual([]);
    },
  };
}

const resetPattern = /resets at (\S+) \(/;

describe('rate limits, with the v1 SDK client and server-everything', () => {
  it('allows N calls a minute, denies call N+1 saying when it resets, and allows again after', async () => {
    const data = dataFile('rate.yaml', 'rate_limits:\n  - { tool: echo, per_minute: 3 }\n');
    const client = await connectV1(
      ['--data', data, '--server-id', 'everything'],
      [process.execPath, everythingServer],
    );
    try {
      for (let n = 1; n <= 3; n++) {
        const result = await client.call('echo', { message: `call ${n}` });
        expect(result, `call ${n}`).toEqual({ isError: false, text: `Echo: call ${n}` });
      }
      const fourth = await client.call('echo', { message: 'call 4' });
      expect(fourth.isError).toBe(true);
      expect(fourth.text).toMatch(
        /^Rate limit reached: tool `echo` may be called 3 times per minute; it resets at .+Z/,
      );
      // A denied call is not counted: the reset time stays the oldest forwarded call's.
      const fifth = await client.call('echo', { message: 'call 5' });
      expect(fifth.text).toBe(fourth.text);
      const resetsAt = Date.parse(resetPattern.exec(fourth.text)?.[1] ?? '');
      expect(resetsAt - Date.now()).toBeGreaterThan(50_000);
      expect(resetsAt - Date.now()).toBeLessThanOrEqual(60_000);
      await new Promise((resolve) => setTimeout(resolve, resetsAt - Date.now() + 250));
      expect(await client.call('echo', { message: 'after the reset' })).toEqual({
        isError: false,
        text: 'Echo: after the reset',
      });
    } finally {
      await client.close();
    }
  }, 90_000);

  it('counts each argument value on its own with per_argument', async () => {
    const data = dataFile(
      'rate-env.yaml',
      'rate_limits:\n  - { tool: echo, per_minute: 1, per_argument: message }\n',
    );
    const client = await connectV1(
      ['--data', data, '--server-id', 'everything'],
      [process.execPath, everythingServer],
    );
    try {
      expect((await client.call('echo', { message: 'prod' })).isError).toBe(false);
      expect((await client.call('echo', { message: 'staging' })).isError).toBe(false);
      const again = await client.call('echo', { message: 'prod' });
      expect(again.isError).toBe(true);
      expect(again.text).toMatch(/^Rate limit reached: tool `echo` with message `prod` may be/);
    } finally {
      await client.close();
    }
  }, 30_000);
});

describe('quotas, with the v2 SDK client and the echo fixture', () => {
  it('survive a restart and are shared by two concurrent shims of the same user', async () => {
    const stateDir = path.join(work, 'state');
    const data = dataFile('quota.yaml', 'quotas:\n  - { tool: echo, per_day: 3 }\n');
    const options = ['--data', data, '--state-dir', stateDir, '--principal', 'carol'];
    const server = [process.execPath, ECHO_SERVER];

    const first = await connectV2(options, server);
    expect(await first.call('echo', { text: 'one' })).toEqual({ isError: false, text: 'one' });
    await first.close();

    // A restart: a new shim reads the count the first one persisted.
    const [left, right] = await Promise.all([
      connectV2(options, server),
      connectV2(options, server),
    ]);
    try {
      expect(await left.call('echo', { text: 'two' })).toEqual({ isError: false, text: 'two' });
      expect(await right.call('echo', { text: 'three' })).toEqual({
        isError: false,
        text: 'three',
      });
      // Both running shims now see all three calls, wherever they were made. `left` opened its
      // store alone and holds its call until it looks again, at most WRITE_MS of traffic later
      // (docs/rate-limits.md): its next call looks, sees `right`, and writes what it holds.
      await sleep(WRITE_MS * 4);
      for (const client of [left, right]) {
        const denied = await client.call('echo', { text: 'four' });
        expect(denied.isError).toBe(true);
        expect(denied.text).toMatch(
          /^Quota exceeded: tool `echo` may be called 3 times per day; it resets at .+Z/,
        );
      }
    } finally {
      await Promise.all([left.close(), right.close()]);
    }
    const principals = readdirSync(path.join(stateDir, 'quotas'));
    expect(principals).toHaveLength(1);
    expect(readdirSync(path.join(stateDir, 'quotas', principals[0] ?? '')).length).toBe(3);

    // Another principal has its own quota.
    const dave = await connectV2(
      ['--data', data, '--state-dir', stateDir, '--principal', 'dave'],
      server,
    );
    try {
      expect(await dave.call('echo', { text: 'dave' })).toEqual({ isError: false, text: 'dave' });
    } finally {
      await dave.close();
    }
  }, 60_000);

  it('fails closed with a clear error when a quota file is corrupt', async () => {
    const stateDir = path.join(work, 'state-corrupt');
    const data = dataFile('quota-corrupt.yaml', 'quotas:\n  - { tool: echo, per_day: 5 }\n');
    const options = ['--data', data, '--state-dir', stateDir, '--principal', 'erin'];
    const server = [process.execPath, ECHO_SERVER];
    const first = await connectV2(options, server);
    expect((await first.call('echo', { text: 'one' })).isError).toBe(false);
    await first.close();
    const directory = path.join(
      stateDir,
      'quotas',
      readdirSync(path.join(stateDir, 'quotas'))[0] ?? '',
    );
    const segment = readdirSync(directory)[0] ?? '';
    writeFileSync(path.join(directory, segment), 'this is not a count\n', { flag: 'a' });

    const second = await connectV2(options, server);
    try {
      const denied = await second.call('echo', { text: 'two' });
      expect(denied.isError).toBe(true);
      expect(denied.text).toContain('Request denied: the shim cannot use its quota counters.');
      expect(denied.text).toMatch(/is corrupt at line 2: .*Move the file aside or delete it/);
      // It stays denied until the file is fixed: never a silent fallback to no quota.
      expect((await second.call('echo', { text: 'two' })).isError).toBe(true);
    } finally {
      await second.close();
    }
  }, 30_000);
});
