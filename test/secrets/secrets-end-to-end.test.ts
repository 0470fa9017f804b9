import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DecisionRecord } from '../../src/audit/audit-record.js';
import { assertShimBuilt, everythingServer, shimMain } from '../e2e/helpers/paths.js';
import { stateHomeEnv } from '../helpers/state-home-env.js';

/**
 * server-everything's `get-env` dumps the child's environment: the shim must replace every secret
 * value in that answer, and keep the values out of the policy input and the audit log.
 */

const SECRETS = {
  // Inferred from the name (contains TOKEN); quote and backslash test the escaped forms.
  MY_API_TOKEN: 'tok-"quoted"\\slash-1234567890',
  // Named with --secret-env.
  PLAIN_VALUE: 'plainvalue-abcdef',
};
const ENV_FILE_SECRET = 'from-env-file-0987654321';

async function callGetEnv(dir: string) {
  const envFile = join(dir, 'server.env');
  writeFileSync(envFile, `DATABASE_URL=${ENV_FILE_SECRET}\n`);
  const log = join(dir, 'audit.jsonl');
  const shim = spawn(
    process.execPath,
    [
      shimMain,
      '--log-level',
      'info',
      '--audit-log',
      log,
      '--env-file',
      envFile,
      '--secret-env',
      'PLAIN_VALUE',
      '--',
      process.execPath,
      everythingServer,
    ],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '/',
        ...stateHomeEnv(),
        ...SECRETS,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  shim.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  shim.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const send = (message: object) =>
    shim.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', ...message })}\n`);
  const answered = (id: number) =>
    new Promise<void>((resolve) => {
      const check = (): void => {
        if (stdout.includes(`"id":${id}`)) resolve();
        else setTimeout(check, 20);
      };
      check();
    });
  send({
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 't', version: '1' },
    },
  });
  await answered(0);
  send({ method: 'notifications/initialized' });
  send({ id: 1, method: 'tools/list' });
  await answered(1);
  send({ id: 2, method: 'tools/call', params: { name: 'get-env', arguments: {} } });
  await answered(2);
  shim.stdin.end();
  await once(shim, 'exit');
  return { stdout, stderr, log: readFileSync(log, 'utf8') };
}

let run: Awaited<ReturnType<typeof callGetEnv>>;

beforeAll(async () => {
  assertShimBuilt();
  run = await callGetEnv(mkdtempSync(join(tmpdir(), 'secrets-e2e-')));
}, 60_000);

const values = [...Object.values(SECRETS), ENV_FILE_SECRET];
const spellings = (v: string) => [
  v,
  JSON.stringify(v).slice(1, -1),
  JSON.stringify(JSON.stringify(v).slice(1, -1)).slice(1, -1),
];

describe('secrets end to end (server-everything get-env)', () => {
  it('rewrites the echoed secrets in the answer to the client, with markers naming the variables', () => {
    const answer = run.stdout.split('\n').find((line) => line.includes('"id":2'))!;
    const env = JSON.parse(JSON.parse(answer).result.content[0].text);
    expect(env).toMatchObject({
      MY_API_TOKEN: '[redacted:MY_API_TOKEN]',
      PLAIN_VALUE: '[redacted:PLAIN_VALUE]',
      DATABASE_URL: '[redacted:DATABASE_URL]',
    });
  });

  it('leaves no secret value, in any spelling, in the client output, the audit log or the logs', () => {
    for (const value of values) {
      for (const form of spellings(value)) {
        expect(run.stdout).not.toContain(form);
        expect(run.log).not.toContain(form);
        expect(run.stderr).not.toContain(form);
      }
    }
  });

  it('gives the policy the variable names and never their values', () => {
    const records = run.log
      .split('\n')
      .filter((l) => l.startsWith('{"type":"decision"'))
      .map((l) => JSON.parse(l) as DecisionRecord);
    const call = records.find((r) => r.input?.operation.name === 'get-env');
    expect(call?.input?.environment.names).toEqual(
      expect.arrayContaining(['MY_API_TOKEN', 'PLAIN_VALUE', 'DATABASE_URL']),
    );
    expect(JSON.stringify(records.map((r) => r.input))).not.toContain('1234567890');
  });
});
