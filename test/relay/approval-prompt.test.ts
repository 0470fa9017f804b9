import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { approvalPrompt, readAnswer } from '../../src/relay/approval-prompt.js';
import type { RelayContext } from '../../src/relay/relay-context.js';
import { secretSetFrom } from '../../src/secrets/secret-set.js';
import { testContext } from '../input/helpers/input-fixtures.js';

const SECRET = 'sk-live-ABCDEFGH1234';

/** Only what the prompt reads: the server id and the secrets. */
function promptContext(): RelayContext {
  return {
    inputContext: testContext({ serverId: 'deploy' }),
    secrets: secretSetFrom(new Map([[SECRET, 'API_TOKEN']])),
    logger: pino({ level: 'silent' }),
  } as unknown as RelayContext;
}

describe('the approval form', () => {
  it('says the shim asks, names the tool, summarises the arguments with secrets redacted, and gives the reason', () => {
    const prompt = approvalPrompt(
      promptContext(),
      'deploy_release',
      { env: 'prod', token: SECRET, escaped: 'sk-live-\\u0041BCDEFGH1234' },
      'approval required: tool `deploy_release` is high-risk and needs human approval.',
    );
    const message = String(prompt.message);
    expect(message).toContain('mcp-opa-shim');
    expect(message).toContain('not from the server');
    expect(message).toContain('server `deploy`');
    expect(message).toContain('Tool: `deploy_release`');
    expect(message).toContain('"env":"prod"');
    expect(message).toContain('[redacted:API_TOKEN]');
    expect(JSON.stringify(prompt)).not.toContain('ABCDEFGH1234');
    expect(message).toContain('Why: approval required: tool `deploy_release` is high-risk');
    expect(prompt.requestedSchema).toMatchObject({
      required: ['decision'],
      properties: { decision: { enum: ['approve_once', 'approve_session', 'deny'] } },
    });
  });

  it('cuts a long argument summary and says how much was left out', () => {
    const prompt = approvalPrompt(promptContext(), 'write', { text: 'x'.repeat(2000) }, 'why');
    expect(String(prompt.message)).toMatch(/x… \(\d+ more characters\)/);
    expect(String(prompt.message).length).toBeLessThan(1500);
  });
});

describe('reading the answer', () => {
  it('takes the three choices of an accepted form', () => {
    for (const choice of ['approve_once', 'approve_session', 'deny']) {
      expect(readAnswer({ action: 'accept', content: { decision: choice } })).toBe(choice);
    }
  });

  it('reads decline and cancel as no approval', () => {
    expect(readAnswer({ action: 'decline' })).toBe('decline');
    expect(readAnswer({ action: 'cancel' })).toBe('cancel');
  });

  it('never reads an approval into an odd answer', () => {
    expect(readAnswer({ action: 'accept', content: { decision: 'yes' } })).toEqual({
      error: 'accepted without a valid `decision` ("yes")',
    });
    expect(readAnswer({ action: 'accept' })).toEqual({
      error: 'accepted without a valid `decision` (none)',
    });
    expect(readAnswer({ action: 'approve_once' })).toEqual({
      error: 'the answer\'s `action` is "approve_once", not accept, decline or cancel',
    });
    expect(readAnswer({ content: { decision: 'approve_once' } })).toEqual({
      error: "the answer's `action` is missing, not accept, decline or cancel",
    });
    expect(readAnswer(null)).toEqual({
      error: 'the answer is not an elicitation result (an object) but null',
    });
    expect(readAnswer('approve_once')).toEqual({
      error: 'the answer is not an elicitation result (an object) but string',
    });
    expect(readAnswer([{ action: 'accept' }])).toEqual({
      error: 'the answer is not an elicitation result (an object) but an array',
    });
  });

  it('reads an error where the result belongs (bare, or under `error`) as an error answer, quoting it short', () => {
    const because = (code: number, text: string) =>
      `the client answered with an error ${String(code)} (${JSON.stringify(text)}) instead of a decision, so no one approved it`;
    expect(readAnswer({ code: -32603, message: 'dialog crashed' })).toEqual({
      error: because(-32603, 'dialog crashed'),
    });
    expect(
      readAnswer({ jsonrpc: '2.0', id: 'k', error: { code: -32000, message: 'no UI' } }),
    ).toEqual({ error: because(-32000, 'no UI') });
    const long = readAnswer({ error: { code: 1, message: 'x'.repeat(5000) } });
    expect(long).toEqual({ error: because(1, `${'x'.repeat(200)}…`) });
    // An error next to an action is not an error answer: the action decides (here: none valid).
    expect(readAnswer({ action: 'accept', error: { code: 1, message: 'm' } })).toEqual({
      error: 'accepted without a valid `decision` (none)',
    });
  });
});
