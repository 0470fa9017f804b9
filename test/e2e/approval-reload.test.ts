import { describe, expect, it } from 'vitest';
import {
  approvalRun,
  forwarded,
  v1Client,
  v2Client,
  type ApprovalClient,
  type ApprovalRun,
  type Human,
} from './helpers/approval-clients.js';

// The policy is hot-reloaded (the `--data` file rewritten) while the form is open: the answer is
// judged by the policy in force when it arrives (docs/approval.md, "While a call waits").
const ASK = { approval: { tools: ['echo'] } };
const SWITCHED_OFF = 'echo is switched off for maintenance';
const DENY_OUTRIGHT = {
  ...ASK,
  argument_rules: [{ tool: 'echo', deny: true, message: SWITCHED_OFF }],
};
const ALLOW = {};
const ASKED_WHY = 'approval required: tool `echo` is high-risk and needs human approval.';

type Connect = (run: ApprovalRun, humans: Human[]) => Promise<ApprovalClient>;

const eras: [string, Connect][] = [
  ['the SDK v1 client, legacy era (the call is held)', (run, humans) => v1Client(run, humans)],
  [
    'the v2 client on 2026-07-28 (the retry carries the answer)',
    (run, humans) => v2Client(run, humans, { era: 'modern' }),
  ],
];

const ran = (text: string) => ({ isError: false, text: expect.stringContaining(text) as string });

async function using(client: ApprovalClient, body: (client: ApprovalClient) => Promise<void>) {
  try {
    await body(client);
  } finally {
    await client.close();
  }
}

const approvals = (run: ApprovalRun) =>
  run.auditRecords().filter((record) => record.type === 'approval');

describe.each(eras)('A policy reload while the human decides, with %s', (_title, connect) => {
  it('an approval does not let through a call the reloaded policy denies outright, and is not kept for a later one', async () => {
    const run = approvalRun();
    const humans: Human[] = [
      { first: () => run.reloadData(DENY_OUTRIGHT), then: 'approve_once' },
      'deny',
    ];
    await using(await connect(run, humans), async (client) => {
      expect(await client.callEcho('in-the-window')).toEqual({
        isError: true,
        text: SWITCHED_OFF,
      });
      // Back to asking: the same call is asked about again, the earlier approve-once is spent.
      await run.reloadData(ASK);
      expect(await client.callEcho('in-the-window')).toEqual({
        isError: true,
        text: `${ASKED_WHY} Denied: the user denied it.`,
      });
      expect(client.forms).toHaveLength(2);
    });
    expect(forwarded(run, 'in-the-window')).toBe(0);
    expect(approvals(run)).toMatchObject([
      { answer: 'approve_once', granted: true },
      { answer: 'deny', granted: false },
    ]);
    // Judged again after the approval, by the reloaded data: only its argument rule denies.
    const judged = run
      .auditRecords()
      .filter(
        (record) =>
          record.type === 'decision' && JSON.stringify(record.input).includes('in-the-window'),
      ) as { action: string; result: { reasons: string[] } }[];
    expect(judged.map((record) => [record.action, record.result.reasons])).toEqual([
      ['denied', ['approval_required']],
      ['denied', ['argument_rule_denied']],
      ['denied', ['approval_required']],
    ]);
  });

  it('a call the reloaded policy allows without approval goes once the human approves', async () => {
    const run = approvalRun();
    const humans: Human[] = [{ first: () => run.reloadData(ALLOW), then: 'approve_once' }];
    await using(await connect(run, humans), async (client) => {
      expect(await client.callEcho('now-allowed')).toEqual(ran('now-allowed'));
    });
    expect(forwarded(run, 'now-allowed')).toBe(1);
  });

  it("the human's no stands even when the reloaded policy would allow the call; the next call goes unasked", async () => {
    const run = approvalRun();
    const humans: Human[] = [{ first: () => run.reloadData(ALLOW), then: 'deny' }];
    await using(await connect(run, humans), async (client) => {
      expect(await client.callEcho('refused')).toEqual({
        isError: true,
        text: `${ASKED_WHY} Denied: the user denied it.`,
      });
      expect(await client.callEcho('refused')).toEqual(ran('refused'));
      expect(client.forms).toHaveLength(1);
    });
    expect(forwarded(run, 'refused')).toBe(1);
    expect(approvals(run)).toMatchObject([{ answer: 'deny', granted: false }]);
  });
});
