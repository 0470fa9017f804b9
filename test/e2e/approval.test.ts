import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shimMain } from './helpers/paths.js';
import {
  approvalRun,
  v1Client,
  v2Client,
  type ApprovalClient,
  type ApprovalRun,
} from './helpers/approval-clients.js';

type Connect = (
  run: ApprovalRun,
  humans: Parameters<typeof v1Client>[1],
  options?: { elicitation?: boolean; timeoutSeconds?: number },
) => Promise<ApprovalClient>;

const approvals = (run: ApprovalRun) =>
  run.auditRecords().filter((record) => record.type === 'approval');

/** The server ran the call: the recording server echoes `text`; the modern fixture says `Echo: `. */
const ran = (text: string) => ({ isError: false, text: expect.stringContaining(text) as string });

async function using<T>(client: ApprovalClient, body: (client: ApprovalClient) => Promise<T>) {
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/** The shim writes its end record after the client closes; wait for it (at most 5 s). */
async function untilEnded(run: ApprovalRun): Promise<void> {
  for (let waited = 0; waited < 5000; waited += 50) {
    if (run.auditRecords().at(-1)?.type === 'end') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no end record in ${run.auditLog}`);
}

const eras: [string, Connect, boolean][] = [
  ['the SDK v1 client, legacy era (the shim sends its own elicitation/create)', v1Client, true],
  [
    'the v2 client on 2026-07-28 (the shim answers input_required, the retry carries the answer)',
    (run, humans, options) => v2Client(run, humans, { ...options, era: 'modern' }),
    false,
  ],
  [
    'the v2 client falling back to the legacy era',
    (run, humans, options) => v2Client(run, humans, { ...options, era: 'legacy' }),
    true,
  ],
];

describe.each(eras)('Human approval in-band with %s', (_title, connect, recorded) => {
  const serverSaw = (run: ApprovalRun, text: string) =>
    run.serverLines().some((line) => line.includes('tools/call') && line.includes(text));

  it('approve once: the form says who asks, the tool, the arguments and why; the call runs once, the next one asks again', async () => {
    const run = approvalRun();
    await using(await connect(run, ['approve_once', 'deny']), async (client) => {
      expect(await client.callEcho('first')).toEqual(ran('first'));
      const [form] = client.forms;
      expect(form?.message).toContain('mcp-opa-shim');
      expect(form?.message).toContain('not from the server');
      expect(form?.message).toContain('Tool: `echo`');
      expect(form?.message).toContain('first');
      expect(form?.message).toContain('approval required: tool `echo` is high-risk');
      expect(JSON.stringify(form?.requestedSchema)).toContain('approve_session');
      const again = await client.callEcho('first');
      expect(again.isError).toBe(true);
      expect(again.text).toContain('Denied: the user denied it.');
      expect(client.forms).toHaveLength(2);
    });
    if (recorded) {
      expect(run.serverLines().filter((line) => line.includes('"first"'))).toHaveLength(1);
    }
    const records = approvals(run);
    expect(records.map((record) => record.answer)).toEqual(['approve_once', 'deny']);
    expect(records[0]).toMatchObject({
      tool: 'echo',
      granted: true,
      scope: 'once',
      asked: { principal: expect.any(String) as string },
    });
    expect(records[0]?.answered_at).toEqual(expect.any(String));
    // The chain holds with approval records in it, and the summary counts them.
    await untilEnded(run);
    execFileSync(process.execPath, [shimMain, 'audit', 'verify', run.auditLog]);
    const summary = JSON.parse(
      execFileSync(process.execPath, [shimMain, 'audit', 'summary', '--json', run.auditLog], {
        encoding: 'utf8',
      }),
    ) as { approvals: number; by_approval: Record<string, number> };
    expect(summary).toMatchObject({
      approvals: 2,
      by_approval: { 'echo approve_once': 1, 'echo deny': 1 },
    });
  });

  it('approve for the session: later calls to the tool, with other arguments, run without asking', async () => {
    const run = approvalRun();
    await using(await connect(run, ['approve_session']), async (client) => {
      expect(await client.callEcho('one')).toEqual(ran('one'));
      expect(await client.callEcho('two')).toEqual(ran('two'));
      expect(client.forms).toHaveLength(1);
    });
    expect(approvals(run)).toMatchObject([{ answer: 'approve_session', scope: 'session' }]);
  });

  it.each([
    ['deny', 'the user denied it'],
    ['decline', 'the user declined'],
    ['cancel', 'the user cancelled the approval'],
  ] as const)('%s: denied with why, and the server never sees the call', async (human, why) => {
    const run = approvalRun();
    await using(await connect(run, [human]), async (client) => {
      const result = await client.callEcho('secret-plan');
      expect(result).toEqual({
        isError: true,
        text: `approval required: tool \`echo\` is high-risk and needs human approval. Denied: ${why}.`,
      });
    });
    if (recorded) expect(serverSaw(run, 'secret-plan')).toBe(false);
    expect(approvals(run)).toMatchObject([{ answer: human, granted: false }]);
  });

  it('timeout: no answer within --approval-timeout is a denial', async () => {
    const run = approvalRun();
    const human = recorded ? 'hang' : ({ lateMs: 1500, then: 'approve_once' } as const);
    await using(await connect(run, [human], { timeoutSeconds: 1 }), async (client) => {
      const result = await client.callEcho('too-late');
      expect(result.isError).toBe(true);
      expect(result.text).toContain('Denied: no answer within 1 s (--approval-timeout).');
    });
    if (recorded) expect(serverSaw(run, 'too-late')).toBe(false);
    expect(approvals(run)).toMatchObject([{ answer: 'timeout', granted: false }]);
  });

  it('no elicitation capability: no one can be asked, so it is denied, saying so', async () => {
    const run = approvalRun();
    await using(await connect(run, [], { elicitation: false }), async (client) => {
      expect(await client.callEcho('nobody')).toEqual({
        isError: true,
        text: 'approval required: tool `echo` is high-risk and needs human approval. Denied: the client did not declare the elicitation capability (form mode), so no one could be asked.',
      });
    });
    if (recorded) expect(serverSaw(run, 'nobody')).toBe(false);
    expect(approvals(run)).toMatchObject([{ answer: 'no_capability', asked: { via: 'none' } }]);
  });
});
