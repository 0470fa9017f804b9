import { isDeepStrictEqual } from 'node:util';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { buildFrame, frameSpecArbitrary } from './helpers/frame-generator.js';
import { isMarked } from './helpers/frame-oracle.js';
import { CaseCounter, caseBudget, checkProperty, propertyTimeout } from './helpers/property-run.js';
import { LongSession } from './helpers/recorder-session.js';

const CASES = caseBudget(150);
const POLICY = fileURLToPath(new URL('./policies/deny-marked.rego', import.meta.url));

interface Judged {
  readonly method?: unknown;
  readonly id?: unknown;
  readonly name?: unknown;
  readonly arguments?: unknown;
}

/** What the audit log says the shim judged and forwarded to the server. */
function judgedOf(record: Record<string, unknown>): Judged {
  const input = record['input'] as {
    message: { method?: string; id?: unknown };
    operation: { type: string; name?: string };
    arguments?: unknown;
    arguments_omitted?: unknown[];
  } | null;
  if (input === null) return {};
  const tool = input.message.method === 'tools/call';
  return {
    method: input.message.method,
    id: input.message.id,
    ...(tool ? { name: input.operation.name } : {}),
    ...(tool && input.arguments_omitted === undefined ? { arguments: input.arguments } : {}),
  };
}

/** The same fields of what the server's SDK parser read. */
function parsedOf(message: Record<string, unknown>, like: Judged): Judged {
  const params = (message['params'] ?? {}) as { name?: unknown; arguments?: unknown };
  return {
    method: message['method'],
    id: message['id'],
    ...('name' in like ? { name: params.name } : {}),
    ...('arguments' in like ? { arguments: params.arguments ?? {} } : {}),
  };
}

/** How the frames fared, so a run shows that it exercised the forwarding path, not only refusals. */
class OutcomeTally {
  private forwarded = 0;
  private parsed = 0;
  private unparsed = 0;
  private marked = 0;
  private cases = 0;

  add(forwarded: number, records: readonly Record<string, unknown>[]): void {
    this.cases++;
    if (forwarded > 0) this.forwarded++;
    for (const record of records) {
      if (record['ok'] !== true) this.unparsed++;
      else if (isMarked(record['message'])) this.marked++;
      else this.parsed++;
    }
  }

  summary(): string {
    return `${this.cases} frames: ${this.forwarded} forwarded, server parsed ${this.parsed} unmarked and ${this.marked} marked, could not parse ${this.unparsed}`;
  }
}

function startSession(): LongSession {
  return new LongSession(
    ['--policy', POLICY, '--log-level', 'warn'],
    [LongSession.fixture('adversarial-sdk-recorder.mjs')],
  );
}

describe('parser differential: the shim judges what the server parses', () => {
  let session: LongSession | undefined;

  afterAll(async () => {
    await session?.close();
  });

  it(
    'no frame the policy denies (as the SDK parses it) reaches the server, and the audit log records what the server read',
    async () => {
      const counter = new CaseCounter();
      const tally = new OutcomeTally();
      const property = fc.asyncProperty(frameSpecArbitrary, async (spec) => {
        counter.runs++;
        counter.cases++;
        if (session === undefined || session.exited) {
          session = startSession();
          await session.open();
        }
        const n = 1000 + counter.cases;
        const frame = buildFrame(spec, n);
        session.shim.stdoutLines.length = 0; // a long session must not keep every line
        session.shim.stderr = '';
        session.shim.child.stdin.write(Buffer.concat([frame, Buffer.from('\n')]));
        // The shim keeps order: once this ping is answered, the frame has been judged and handled.
        const fence = `fence-${n}`;
        const answered = session.shim.waitFor((m) => m['id'] === fence, 30_000);
        session.shim.send({ jsonrpc: '2.0', id: fence, method: 'ping' });
        const fenceReply = await answered;
        const records = session
          .newRecords()
          .filter((r) => (r['message'] as { id?: unknown } | undefined)?.id !== fence);
        const forwarded = session
          .newAudit()
          .filter((r) => r['type'] === 'decision' && r['action'] === 'forwarded')
          .filter((r) => (r['input'] as { direction?: string } | null)?.direction === 'to_server')
          .filter((r) => (r['input'] as { message: { id?: unknown } }).message.id !== fence);
        tally.add(forwarded.length, records);
        if (process.env['ADVERSARIAL_VERBOSE'] === '1') {
          process.stderr.write(
            `frame ${frame.toString('latin1').slice(0, 300)}\n  -> ${session.shim.stdoutLines.join('\n  -> ').slice(0, 600)}\n`,
          );
        }
        const problems: string[] = [];
        if (!('result' in fenceReply)) {
          // Not a bypass, but one frame must not turn the gate into a wall for the rest of the session.
          problems.push(
            `a plain ping after this frame was refused: ${JSON.stringify(fenceReply).slice(0, 300)}`,
          );
        }
        const parsed = records
          .filter((r) => r['ok'] === true)
          .map((r) => r['message'] as Record<string, unknown>);
        for (const message of parsed) {
          if (isMarked(message))
            problems.push(
              `the server parsed a denied message: ${JSON.stringify(message).slice(0, 300)}`,
            );
        }
        // One record per line the server read, in order; a line its parser rejects was never acted on.
        if (records.length !== forwarded.length) {
          problems.push(
            `the server read ${records.length} line(s); the audit log forwarded ${forwarded.length}`,
          );
        } else {
          for (const [k, record] of forwarded.entries()) {
            const read = records[k]!;
            if (read['ok'] !== true) continue;
            const judged = judgedOf(record);
            const parsedValue = parsedOf(read['message'] as Record<string, unknown>, judged);
            if (!isDeepStrictEqual(judged, parsedValue)) {
              problems.push(
                `judged ${JSON.stringify(judged).slice(0, 300)} but the server read ${JSON.stringify(parsedValue).slice(0, 300)}`,
              );
            }
          }
        }
        if (problems.length > 0) {
          // Shrinking replays cases: give each replay a fresh session, not one this case may have broken.
          await session.close();
          session = undefined;
          throw new Error(
            `${problems.join('\n')}\nframe: ${JSON.stringify(frame.toString('latin1').slice(0, 400))}`,
          );
        }
      });
      try {
        await checkProperty('parser differential', property, CASES, counter);
      } finally {
        process.stderr.write(`[adversarial] parser differential: ${tally.summary()}\n`);
      }
    },
    propertyTimeout(),
  );
});
