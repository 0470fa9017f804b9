import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { nodeCommand } from './helpers/policy-shim.js';
import { connectSdkThroughShim, resultText, type SdkShim } from './helpers/sdk-shim.js';

const ELICITATION_SERVER = join(REPO, 'test/fixtures/elicitation-server.mjs');

/** Forms of test/fixtures/elicitation-server.mjs that ask for a secret in a way raw names miss. */
const SECRET_FORMS = [
  'message-only',
  'cyrillic-lookalike',
  'greek-lookalike',
  'fullwidth',
  'zero-width',
  'combining-marks',
  'mixed-case',
  'pin',
  '2fa',
  'otp',
  'cvv',
  'one-time-code',
  'enum-title',
  'default',
];

let session: SdkShim | undefined;

afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function ask(name: string): Promise<{ case: string; action: string }> {
  session ??= await connectSdkThroughShim({
    args: ['--server-id', 'elicitation'],
    server: nodeCommand(ELICITATION_SERVER),
  });
  const result = await session.client.callTool('ask', { case: name });
  return JSON.parse(resultText(result)) as { case: string; action: string };
}

function elicitationsHandled(): number {
  return (session?.client.handled ?? []).filter((r) => r.method === 'elicitation/create').length;
}

function deniedReasons(): string[][] {
  return (session?.auditDecisions() ?? [])
    .filter((r) => r.input?.message.method === 'elicitation/create')
    .map((r) => r.result?.reasons ?? []);
}

describe('Secret-asking elicitation forms, through the shim to a v1 SDK client', () => {
  it.each(SECRET_FORMS)(
    'declines the %s form for the user: the client’s handler is never called',
    async (name) => {
      expect(await ask(name)).toEqual({ case: name, action: 'decline' });
      expect(elicitationsHandled()).toBe(0);
      expect(deniedReasons()).toEqual([['elicitation_secret_field']]);
    },
  );

  it('declines a form whose text is longer than the shim checks', async () => {
    expect(await ask('too-long')).toEqual({ case: 'too-long', action: 'decline' });
    expect(elicitationsHandled()).toBe(0);
    expect(deniedReasons()).toEqual([['elicitation_text_unchecked']]);
  });

  it('passes a harmless form (favourite colour, spinner_speed) to the client’s handler', async () => {
    expect(await ask('harmless')).toEqual({ case: 'harmless', action: 'accept' });
    expect(elicitationsHandled()).toBe(1);
    // Both judged and allowed: the server's request, then the client's answer.
    expect(deniedReasons()).toEqual([[], []]);
  });
});
