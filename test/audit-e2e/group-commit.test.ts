import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { auditedShim, DENY_FORBIDDEN } from './helpers/audited-shim.js';
import { decisionsOf, readLines, readLog, runCli, tempDir } from './helpers/audit-files.js';

/**
 * Group commit through the real shim: the calls of one read batch (one write of the client, one
 * read of the shim) are judged, their records written, and only then forwarded. Killed with
 * SIGKILL at any of three moments, no call reaches the server without its record, and the server
 * never sees a call of the batch before the records of the whole batch are in the file.
 */

const PEEKING_SERVER = join(REPO, 'test/audit-e2e/fixtures/peeking-recording-server.mjs');
const BATCH = Array.from({ length: 20 }, (_, i) => 200 + i);
/** Every fifth call asks for "forbidden", which the policy denies: answered by the shim, never forwarded. */
const textOf = (id: number) => (id % 5 === 0 ? 'forbidden' : `call ${String(id)}`);

type Moment = 'at once' | 'once the server has a call of the batch' | 'once every call is answered';

interface Peek {
  readonly method: string;
  readonly id?: unknown;
  readonly recorded: boolean;
  readonly logged_calls?: unknown[];
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 10_000) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function killDuringBatch(moment: Moment) {
  const dir = tempDir('audit-e2e-group-');
  const log = join(dir, 'audit.jsonl');
  const received = join(dir, 'received.jsonl');
  const shim = auditedShim(log, [PEEKING_SERVER], {
    args: ['--policy', DENY_FORBIDDEN],
    env: { AUDIT_LOG: log, RECORD_FILE: received },
  });
  const peeks = (): Peek[] =>
    existsSync(received) ? readLines(received).map((line) => JSON.parse(line) as Peek) : [];
  await shim.initialize();
  await shim.request('tools/call', { name: 'echo', arguments: { text: 'before the batch' } });
  // One write of 20 frames (about 2.6 KB, under PIPE_BUF): the shim reads them as one chunk.
  shim.sendRaw(
    BATCH.map(
      (id) =>
        `${JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'echo', arguments: { text: textOf(id) } } })}\n`,
    ).join(''),
  );
  if (moment === 'once the server has a call of the batch') {
    await waitFor(() => peeks().some((p) => BATCH.includes(p.id as number)), 'a call arrives');
  } else if (moment === 'once every call is answered') {
    const answered = () => shim.stdoutLines.map((l) => (JSON.parse(l) as { id?: unknown }).id);
    await waitFor(() => BATCH.every((id) => answered().includes(id)), 'every call is answered');
  }
  shim.child.kill('SIGKILL');
  expect((await shim.exited).signal).toBe('SIGKILL');
  return { log, peeks: peeks() };
}

describe('group commit under SIGKILL', () => {
  it.each([
    'at once',
    'once the server has a call of the batch',
    'once every call is answered',
  ] as const)(
    'never lets a call of a read batch reach the server before its record, killed %s',
    async (moment) => {
      const { log, peeks } = await killDuringBatch(moment);
      const decisions = decisionsOf(readLog(log));
      const calls = peeks.filter((p) => p.method === 'tools/call');
      expect(calls.filter((p) => !p.recorded)).toEqual([]);
      const denied = decisions.filter((d) => d.action === 'denied').map((d) => d.input?.message.id);
      expect(calls.filter((p) => denied.includes(p.id))).toEqual([]);
      // The first call of the batch to arrive found the records of every call of the batch.
      const first = calls.find((p) => BATCH.includes(p.id as number));
      if (moment !== 'at once') {
        expect(first?.logged_calls).toEqual(expect.arrayContaining(BATCH));
        expect(denied).toEqual(BATCH.filter((id) => id % 5 === 0));
      } else if (first !== undefined) {
        expect(first.logged_calls).toEqual(expect.arrayContaining(BATCH));
      }
      // Whatever was written verifies: the session is unterminated, not tampered.
      const verify = runCli(['audit', 'verify', log]);
      expect(verify.stdout).toContain(': unterminated:');
      expect(verify.status).toBe(3);
    },
  );
});
