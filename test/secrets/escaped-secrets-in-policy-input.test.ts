import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, recordingShim } from '../helpers/shim-process.js';

/**
 * Client → server: the model pastes a token spelled with escapes, or the client puts one in a
 * request id. The canary policy denies any message whose policy input holds a canary, here the
 * secret's tail, which every spelling below keeps raw: an allowed call proves no spelling of the
 * secret reached the policy. Without the secret configured, the same calls are denied: the canaries work.
 */

const CANARY_POLICY = `${REPO}test/audit-e2e/fixtures/canary-policy.rego`;
const SECRET = 'tok-canary-0123456789';
/** The text `\u0074ok-canary-0123456789`: what a reader decodes to the secret. */
const ESCAPED_TEXT = `\\u0074ok-canary-0123456789`;
const CANARY = 'ok-canary-0123456789';

async function send(env: Record<string, string>, frame: (id: number) => string) {
  const dir = mkdtempSync(join(tmpdir(), 'shim-escaped-canary-'));
  const data = join(dir, 'canaries.json');
  const audit = join(dir, 'audit.jsonl');
  writeFileSync(data, JSON.stringify({ canaries: [CANARY] }));
  const { shim, recorded } = recordingShim(
    ['--policy', CANARY_POLICY, '--data', data, '--log-level', 'info', '--audit-log', audit],
    env,
  );
  await shim.initialize();
  const reply = shim.waitFor((m) => m['id'] !== undefined && m['id'] !== 1 && !('method' in m));
  shim.sendRaw(`${frame(7)}\n`);
  const answer = await reply;
  await shim.close();
  return { answer, recorded: recorded(), audit: readFileSync(audit, 'utf8'), stderr: shim.stderr };
}

const CASES: Record<string, (id: number) => string> = {
  'an argument holding the escaped spelling as text': (id) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: `use ${ESCAPED_TEXT}` } },
    }),
  'an argument the frame spells with \\u escapes': (id) =>
    `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"echo","arguments":{"text":"use \\u0074ok-canary-0123456789"}}}`,
  'an argument JSON text nested in a string': (id) =>
    JSON.stringify({
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'echo', arguments: { text: JSON.stringify({ token: ESCAPED_TEXT }) } },
    }),
  'the request id': () =>
    `{"jsonrpc":"2.0","id":"\\u0074ok-canary-0123456789","method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"}}}`,
};

describe('a secret a client spells with escapes', () => {
  for (const [where, frame] of Object.entries(CASES)) {
    it(`never reaches the policy input, the audit log or the logs: ${where}`, async () => {
      const { answer, recorded, audit, stderr } = await send({ API_TOKEN: SECRET }, frame);
      const result = answer['result'] as { isError?: boolean } | undefined;
      expect(result?.isError, JSON.stringify(answer)).toBeUndefined();
      // The server still receives what the client sent.
      expect(recorded).toContain(CANARY);
      expect(audit).toContain('[redacted:API_TOKEN]');
      for (const text of [audit, stderr]) {
        expect(text).not.toContain(CANARY);
      }
    });

    it(`is denied by the canary policy when it is not a secret: ${where}`, async () => {
      const { answer } = await send({}, frame);
      const denied =
        (answer['result'] as { isError?: boolean } | undefined)?.isError === true ||
        answer['error'] !== undefined;
      expect(denied, JSON.stringify(answer)).toBe(true);
    });
  }
});
