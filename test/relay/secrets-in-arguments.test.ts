import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, recordingShim } from '../helpers/shim-process.js';

// Denies any message whose policy input contains a value from data.canaries.
const CANARY_POLICY = `${REPO}test/audit-e2e/fixtures/canary-policy.rego`;
const SECRET = 'tok-canary-0123456789';

async function callWithSecretArgument(env: Record<string, string>) {
  const data = join(mkdtempSync(join(tmpdir(), 'shim-canary-')), 'canaries.json');
  writeFileSync(data, JSON.stringify({ canaries: [SECRET] }));
  const { shim, recorded } = recordingShim(
    ['--policy', CANARY_POLICY, '--data', data, '--log-level', 'silent'],
    env,
  );
  await shim.initialize();
  const reply = await shim.request('tools/call', {
    name: 'echo',
    arguments: { text: `use ${SECRET}` },
  });
  await shim.close();
  return {
    result: reply.result as { isError?: boolean; content: { text: string }[] },
    recorded: recorded(),
  };
}

describe('a secret value a peer puts into a tool argument', () => {
  it('is replaced by its marker in the policy input, while the call itself goes through', async () => {
    const { result, recorded } = await callWithSecretArgument({ API_TOKEN: SECRET });
    expect(result.isError).toBeUndefined();
    // The server receives what the client sent; the echo back to the client is redacted.
    expect(recorded).toContain(SECRET);
    expect(result.content[0]?.text).toBe('use [redacted:API_TOKEN]');
  });

  it('reaches the policy input when it is not a secret (the canary policy then denies)', async () => {
    const { result } = await callWithSecretArgument({});
    expect(result.isError).toBe(true);
  });
});
