import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeServer, shimArgs, testEnv } from '../e2e/helpers/launch.js';
import { assertShimBuilt, repoRoot } from '../e2e/helpers/paths.js';
import type { ScenarioClient } from '../e2e/helpers/scenario-client.js';
import { connectV1 } from '../e2e/helpers/v1-client.js';

/**
 * A hostile server spells the secrets of its environment with JSON escapes (Go's `\u003c`,
 * upper-case `\uXXXX`, surrogate pairs, `\/`, JSON text inside a string) in results, errors,
 * notifications, object keys, `_meta`, a line that is not JSON and its stderr. Through the built
 * shim, a real SDK client must never parse a secret, and the audit log and stderr must not hold
 * one in any spelling.
 */

const SECRETS = {
  // Inferred from the name; Go escapes its `&`, `<` and `>`.
  GITHUB_TOKEN: 'ghp_E2e&<Secret>/0123456789',
  // Named with --secret-env; non-ASCII and astral characters.
  PLAIN_VALUE: 'plain-ÄÖ-🔑-value-42',
};
const ENV_FILE_SECRET = 'postgres://user:pw@db/e2e_9876';
const VALUES = [...Object.values(SECRETS), ENV_FILE_SECRET];

/** Every JSON escape decoded, level after level: an independent reading of what a text can say. */
function decodeAllEscapes(text: string): string {
  let out = text;
  for (let level = 0; level < 12; level++) {
    const next = out.replace(/\\(?:u([0-9a-fA-F]{4})|(["\\/bfnrt]))/g, (_, hex, short) =>
      hex === undefined
        ? ({ b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' }[short as string] ?? (short as string))
        : String.fromCharCode(Number.parseInt(hex as string, 16)),
    );
    if (next === out) break;
    out = next;
  }
  return out;
}

function leaked(text: string): string[] {
  const decoded = decodeAllEscapes(text);
  return VALUES.filter((value) => text.includes(value) || decoded.includes(value));
}

let client: ScenarioClient;
let auditLog: string;
let result: { content: { text: string }[]; _meta?: Record<string, unknown> };
let errorMessage: string;

beforeAll(async () => {
  assertShimBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'escaped-secrets-e2e-'));
  auditLog = join(dir, 'audit.jsonl');
  const envFile = join(dir, 'server.env');
  writeFileSync(envFile, `DATABASE_URL=${ENV_FILE_SECRET}\n`);
  const server = nodeServer(
    join(repoRoot, 'test/fixtures/escaped-secrets-server.mjs'),
    '--leak',
    'GITHUB_TOKEN,PLAIN_VALUE,DATABASE_URL',
  );
  client = await connectV1({
    command: process.execPath,
    args: shimArgs(server, {
      extraArgs: [
        '--audit-log',
        auditLog,
        '--log-level',
        'info',
        '--env-file',
        envFile,
        '--secret-env',
        'PLAIN_VALUE',
      ],
    }),
    env: { ...testEnv(), ...SECRETS },
  });
  await client.setLoggingLevel('info');
  // onprogress makes the SDK send a progressToken, which the server's progress notification uses.
  result = (await client.callTool('leak', {}, { onprogress: () => undefined })) as typeof result;
  errorMessage = await client.callTool('leak-error', {}).then(
    () => 'no error',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  await client.ping();
}, 60_000);

afterAll(async () => {
  await client.close();
});

describe('secrets spelled with JSON escapes, end to end through the built shim', () => {
  it('reach the client as markers in results, keys, _meta and JSON text in a string', () => {
    expect(result.content[0]?.text).toBe(
      '[redacted:GITHUB_TOKEN] [redacted:PLAIN_VALUE] [redacted:DATABASE_URL]',
    );
    expect(JSON.parse(result.content[1]?.text ?? '')).toEqual({
      leaked: '[redacted:GITHUB_TOKEN] [redacted:PLAIN_VALUE] [redacted:DATABASE_URL]',
    });
    expect(Object.keys(result._meta ?? {})).toEqual([
      '[redacted:GITHUB_TOKEN] [redacted:PLAIN_VALUE] [redacted:DATABASE_URL]',
    ]);
  });

  it('reach the client as markers in an error message', () => {
    expect(errorMessage).toContain('failed with [redacted:GITHUB_TOKEN]');
    expect(leaked(errorMessage)).toEqual([]);
  });

  it('reach the client as markers in logging and progress notifications', () => {
    const frames = client.frames.frames('connect');
    const logging = frames.filter((f) => JSON.stringify(f).includes('notifications/message'));
    expect(logging).toHaveLength(1);
    expect(JSON.stringify(logging[0])).toContain('"logger":"[redacted:GITHUB_TOKEN]');
    const progress = frames.filter((f) => JSON.stringify(f).includes('notifications/progress'));
    expect(progress).toEqual([
      expect.objectContaining({
        params: expect.objectContaining({
          message: '[redacted:GITHUB_TOKEN] [redacted:PLAIN_VALUE] [redacted:DATABASE_URL]',
        }),
      }),
    ]);
  });

  it('are in nothing the client parsed, in any spelling', () => {
    const frames = client.frames.frames('connect');
    expect(frames.length).toBeGreaterThan(5);
    expect(leaked(JSON.stringify(frames))).toEqual([]);
  });

  it('are in neither the audit log nor stderr, in any spelling', () => {
    const audit = readFileSync(auditLog, 'utf8');
    expect(audit).toContain('secret_in_output');
    expect(leaked(audit)).toEqual([]);
    const stderr = client.stderr();
    // The server's stderr line and the dropped non-JSON line were both relayed, scrubbed.
    expect(stderr).toContain('escaped-secrets-server: config {"token":"[redacted:GITHUB_TOKEN]');
    expect(stderr).toContain('dropped a server line that is not JSON');
    expect(leaked(stderr)).toEqual([]);
  });
});
