import { describe, expect, it } from 'vitest';
import {
  approvalRun,
  forwarded,
  v1Client,
  v2Client,
  type ApprovalClient,
  type ApprovalRun,
} from './helpers/approval-clients.js';

// The client answers the shim's approval question with an error instead of a decision: its
// elicitation handler throws (docs/approval.md, "Denied, and why").
const ASKED_WHY = 'approval required: tool `echo` is high-risk and needs human approval.';
const CRASHED = 'the approval dialog crashed';

const ran = (text: string) => ({ isError: false, text: expect.stringContaining(text) as string });

const approvals = (run: ApprovalRun) =>
  run.auditRecords().filter((record) => record.type === 'approval');

async function using(client: ApprovalClient, body: (client: ApprovalClient) => Promise<void>) {
  try {
    await body(client);
  } finally {
    await client.close();
  }
}

async function until(what: string, holds: () => boolean): Promise<void> {
  for (let waited = 0; !holds(); waited += 50) {
    if (waited > 10_000) throw new Error(`waited 10 s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each([
  ['the SDK v1 client', v1Client],
  [
    'the v2 client falling back to the legacy era',
    (run: ApprovalRun, humans: Parameters<typeof v1Client>[1]) =>
      v2Client(run, humans, { era: 'legacy' }),
  ],
] as const)(
  'Legacy era: %s answers elicitation/create with a JSON-RPC error',
  (_title, connect) => {
    it('denies the call saying why, never forwards it, audits an error answer, and keeps serving', async () => {
      const run = approvalRun();
      await using(await connect(run, [{ throws: CRASHED }, 'approve_once']), async (client) => {
        expect(await client.callEcho('never-sent')).toEqual({
          isError: true,
          text: `${ASKED_WHY} Denied: the client answered with an error -32603 ("${CRASHED}") instead of a decision, so no one approved it.`,
        });
        // The shim is still there: the next call is asked about and runs.
        expect(await client.callEcho('later')).toEqual(ran('later'));
      });
      expect(forwarded(run, 'never-sent')).toBe(0);
      expect(run.serverLines().some((line) => line.includes('never-sent'))).toBe(false);
      expect(approvals(run)).toMatchObject([
        {
          answer: 'error',
          granted: false,
          asked: { via: 'elicitation/create' },
          detail: expect.stringContaining(`-32603 ("${CRASHED}")`) as string,
        },
        { answer: 'approve_once', granted: true },
      ]);
    });
  },
);

describe('2026-07-28: the v2 client answers the input_required question with an error', () => {
  it('a handler that throws makes the client give up the call: never forwarded, audited as unanswered when the timeout passes', async () => {
    const run = approvalRun();
    const client = await v2Client(run, [{ throws: CRASHED }, 'approve_once'], {
      era: 'modern',
      timeoutSeconds: 2,
    });
    await using(client, async () => {
      await expect(client.callEcho('given-up')).rejects.toThrow(CRASHED);
      expect(await client.callEcho('later')).toEqual(ran('later'));
      await until('the unanswered question to be audited', () =>
        approvals(run).some((record) => record.answer === 'timeout'),
      );
    });
    expect(forwarded(run, 'given-up')).toBe(0);
    const records = approvals(run);
    expect(records).toHaveLength(2);
    expect(records).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ answer: 'approve_once', granted: true }),
        expect.objectContaining({
          answer: 'timeout',
          granted: false,
          asked: expect.objectContaining({ via: 'input_required' }) as unknown,
          detail: `${ASKED_WHY} Denied: no answer within 2 s (--approval-timeout); no retry brought one.`,
        }),
      ]),
    );
  });

  it.each([
    [
      'a JSON-RPC error object under `error`',
      { error: { code: -32603, message: CRASHED } },
      `the client answered with an error -32603 ("${CRASHED}") instead of a decision, so no one approved it`,
    ],
    [
      'a bare error object',
      { code: -32000, message: 'no UI' },
      'the client answered with an error -32000 ("no UI") instead of a decision, so no one approved it',
    ],
    ['a string', 'approve_once', 'the answer is not an elicitation result (an object) but string'],
  ])(
    'a retry whose answer is %s is denied saying why, never forwarded, and audited as an error',
    async (_shape, answer, why) => {
      const run = approvalRun();
      await using(await v2Client(run, [], { era: 'modern' }), async (client) => {
        expect(await client.retryEchoWith('bad-answer', answer)).toEqual({
          isError: true,
          text: `${ASKED_WHY} Denied: ${why}.`,
        });
        expect(await client.callEcho('still-serving')).toEqual({
          isError: true,
          text: `${ASKED_WHY} Denied: the user denied it.`,
        });
      });
      expect(forwarded(run, 'bad-answer')).toBe(0);
      expect(approvals(run)).toMatchObject([
        { answer: 'error', granted: false, detail: `${ASKED_WHY} Denied: ${why}.` },
        { answer: 'deny' },
      ]);
    },
  );
});
