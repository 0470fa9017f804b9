import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO, ShimProcess } from '../helpers/shim-process.js';
import { auditedShim, ECHO_SERVER, EVERYTHING } from './helpers/audited-shim.js';
import {
  decisionsOf,
  describeDecision,
  readLog,
  tempDir,
  type LoggedDecision,
  type LoggedRecord,
} from './helpers/audit-files.js';

/**
 * Secrets end to end with server-everything's `get-env` tool, which dumps the child's whole
 * environment: the values are in the child, and nowhere the client, the logs or the policy see.
 */

const CANARY_POLICY = join(REPO, 'test/audit-e2e/fixtures/canary-policy.rego');

/**
 * Secret by source: --env-file values (one a multi-line PEM, one with a quote and a backslash,
 * which get-env's JSON-in-JSON text escapes twice), a credential-looking name, a --secret-env name.
 */
const SECRETS = {
  API_TOKEN: 'envfile-token-5f1c2e9a',
  SERVICE_PEM: '-----BEGIN KEY-----\nMIIBpemline1aa\nMIIBpemline2bb\n-----END KEY-----',
  DB_LOGIN: 'pa"ss\\word-77aa',
  MY_SECRET_KEY: 'named-secret-8b7d6c3e',
  PLAIN_NAME: 'flagged-value-2a4b6c8d',
} as const;
const VISIBLE = { VISIBLE_SETTING: 'visible-value-654321' } as const;

/** A value as it appears raw, JSON-escaped once (a message), and twice (JSON text in a message). */
function spellings(value: string): string[] {
  const once = JSON.stringify(value).slice(1, -1);
  return [...new Set([value, once, JSON.stringify(once).slice(1, -1)])];
}
const allSpellings = Object.values(SECRETS).flatMap(spellings);

const work = tempDir('audit-e2e-secrets-');
const log = join(work, 'audit.jsonl');
let clientOutput: string;
let stderr: string;
let logText: string;
let records: LoggedRecord[];
let decisions: LoggedDecision[];
let envDump: Record<string, string>;
let echoedSecret: Record<string, unknown>;

beforeAll(async () => {
  const envFile = join(work, 'server.env');
  writeFileSync(
    envFile,
    [
      `API_TOKEN=${SECRETS.API_TOKEN}`,
      `SERVICE_PEM="${SECRETS.SERVICE_PEM}"`,
      `DB_LOGIN=${SECRETS.DB_LOGIN}`,
      // Shorter than 8 characters: not treated as a secret (would otherwise cut "true" everywhere).
      'DEBUG_MODE=true',
      '',
    ].join('\n'),
  );
  const data = join(work, 'canaries.json');
  writeFileSync(data, JSON.stringify({ canaries: allSpellings }));
  const shim = auditedShim(log, [EVERYTHING, 'stdio'], {
    args: [
      ...['--policy', CANARY_POLICY, '--data', data, '--env-file', envFile],
      ...['--secret-env', 'PLAIN_NAME', '--audit-stderr'],
    ],
    logLevel: 'debug',
    env: {
      MY_SECRET_KEY: SECRETS.MY_SECRET_KEY,
      PLAIN_NAME: SECRETS.PLAIN_NAME,
      VISIBLE_SETTING: VISIBLE.VISIBLE_SETTING,
    },
  });
  await shim.initialize();
  const dump = await shim.request('tools/call', { name: 'get-env', arguments: {} });
  const text = (dump['result'] as { content: { text: string }[] }).content[0]?.text ?? '{}';
  envDump = JSON.parse(text) as Record<string, string>;
  await shim.request('tools/call', {
    name: 'echo',
    arguments: { message: VISIBLE.VISIBLE_SETTING },
  });
  // A client that pastes a secret into its arguments: the policy sees only the marker (the canary
  // policy would deny the value), the server gets the call, and the echo back is redacted.
  echoedSecret = await shim.request('tools/call', {
    name: 'echo',
    arguments: { message: `please echo ${SECRETS.MY_SECRET_KEY}` },
  });
  expect((await shim.close()).code).toBe(0);
  clientOutput = shim.stdoutLines.join('\n');
  stderr = shim.stderr;
  logText = readFileSync(log, 'utf8');
  records = readLog(log);
  decisions = decisionsOf(records);
}, 60_000);

describe('secrets through the shim with server-everything get-env', () => {
  it('gives the child every secret: the dump names each variable', () => {
    for (const name of Object.keys(SECRETS)) expect(envDump).toHaveProperty(name);
  });

  it('replaces each secret value in the client output with a marker naming the variable', () => {
    for (const [name, value] of Object.entries(SECRETS)) {
      for (const spelling of spellings(value)) expect(clientOutput).not.toContain(spelling);
      expect(envDump[name]).toBe(`[redacted:${name}]`);
    }
    expect(clientOutput).not.toContain('pemline');
  });

  it('leaves a variable that is not a secret visible to the client (control)', () => {
    expect(envDump['VISIBLE_SETTING']).toBe(VISIBLE.VISIBLE_SETTING);
    expect(envDump['DEBUG_MODE']).toBe('true');
  });

  it('keeps secret values out of the audit log, and records the redaction', () => {
    for (const spelling of allSpellings) expect(logText).not.toContain(spelling);
    expect(
      records.some(
        (r) =>
          r.type === 'fault' && r['fault'] === 'secret_in_output' && r['action'] === 'redacted',
      ),
    ).toBe(true);
    expect(logText).toContain(VISIBLE.VISIBLE_SETTING);
  });

  it('keeps secret values out of the shim stderr at debug level, audit records included', () => {
    for (const spelling of allSpellings) expect(stderr).not.toContain(spelling);
    // The control: stderr does carry the audit records, with the arguments they judged.
    expect(stderr).toContain('"type":"decision"');
    expect(stderr).toContain(VISIBLE.VISIBLE_SETTING);
  });

  it('puts only variable names into the policy input: the canary policy allowed get-env', () => {
    const getEnv = decisions.find((d) => describeDecision(d) === 'tools/call get-env');
    expect(getEnv).toMatchObject({ action: 'forwarded', result: { allow: true } });
    const names = getEnv?.input?.environment.names ?? [];
    for (const name of [...Object.keys(SECRETS), 'VISIBLE_SETTING']) expect(names).toContain(name);
    expect(Object.keys(getEnv?.input?.environment ?? {})).toEqual(['names']);
  });

  it('keeps a secret value the client itself sends out of the policy input: the canary policy allows it', () => {
    const pasted = decisions.filter((d) => describeDecision(d) === 'tools/call echo').at(-1);
    expect(pasted).toMatchObject({ action: 'forwarded', result: { allow: true } });
    expect(pasted?.input?.arguments['message']).toBe('please echo [redacted:MY_SECRET_KEY]');
    expect(JSON.stringify(echoedSecret)).not.toContain(SECRETS.MY_SECRET_KEY);
  });
});

describe('a secret on the server command line', () => {
  // `-- server --token $MY_SECRET_KEY` is a common client config: the value must not reach the input.
  it('stays out of the policy input', async () => {
    const data = join(work, 'command-canaries.json');
    writeFileSync(data, JSON.stringify({ canaries: [SECRETS.MY_SECRET_KEY] }));
    const log = join(work, 'command.jsonl');
    const shim = auditedShim(log, [ECHO_SERVER, '--token', SECRETS.MY_SECRET_KEY], {
      args: ['--policy', CANARY_POLICY, '--data', data],
      env: { MY_SECRET_KEY: SECRETS.MY_SECRET_KEY },
    });
    const reply = await shim.initialize();
    await shim.close();
    expect(readFileSync(log, 'utf8')).not.toContain(SECRETS.MY_SECRET_KEY);
    expect(reply['error']).toBeUndefined();
  });
});

describe('secrets a server writes to its own stderr', () => {
  // A server that logs its credentials must not put them into the client's log.
  it('are replaced by markers on the shim stderr', async () => {
    const envFile = join(work, 'stderr.env');
    writeFileSync(envFile, `API_TOKEN=${SECRETS.API_TOKEN}\n`);
    const shim = new ShimProcess(
      [
        '--env-file',
        envFile,
        '--log-level',
        'silent',
        '--',
        process.execPath,
        join(REPO, 'test/audit-e2e/fixtures/stderr-env-server.mjs'),
      ],
      { env: { PRINT_ENV_TO_STDERR: 'API_TOKEN' } },
    );
    await shim.initialize();
    await shim.close();
    expect(shim.stderr).toContain('debug: API_TOKEN=');
    expect(shim.stderr).not.toContain(SECRETS.API_TOKEN);
  });
});
