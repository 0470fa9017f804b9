import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../helpers/shim-process.js';
import { auditedShim, DENY_FORBIDDEN, ECHO_SERVER } from './helpers/audited-shim.js';
import { readLines, runCli, tempDir, type CliRun } from './helpers/audit-files.js';

/**
 * `audit verify` on a real log written by the shim (two sessions, allowed and denied calls),
 * then on tampered copies: each kind of tampering exits 1 and names the first bad line.
 */

const work = tempDir('audit-e2e-verify-');
const original = join(work, 'audit.jsonl');
let lines: string[];

async function session(principal: string, texts: readonly string[]): Promise<void> {
  const shim = auditedShim(original, [ECHO_SERVER], {
    args: ['--policy', DENY_FORBIDDEN, '--principal', principal],
  });
  await shim.initialize();
  for (const text of texts) await shim.request('tools/call', { name: 'echo', arguments: { text } });
  expect((await shim.close()).code).toBe(0);
}

beforeAll(async () => {
  await session('alice', ['one', 'forbidden', 'two']);
  await session('bob', ['three', 'forbidden']);
  lines = readLines(original);
}, 60_000);

/** Writes `edited` as a copy of the log and verifies it. */
function verifyCopy(name: string, edited: readonly string[]): CliRun & { file: string } {
  const file = join(work, `${name}.jsonl`);
  writeFileSync(file, edited.map((line) => `${line}\n`).join(''));
  return { ...runCli(['audit', 'verify', file]), file };
}

/** 1-based number of the first line matching `predicate`. */
function lineNumberOf(predicate: (record: Record<string, unknown>) => boolean): number {
  const index = lines.findIndex((line) => predicate(JSON.parse(line) as Record<string, unknown>));
  expect(index).toBeGreaterThan(0);
  return index + 1;
}

const deniedLine = () => lineNumberOf((r) => r['action'] === 'denied');
const expectBadLine = (run: CliRun & { file: string }, line: number, why?: RegExp) => {
  expect(run.status).toBe(1);
  expect(run.stdout).toBe('');
  const output = run.stderr;
  expect(output).toContain(`${run.file}:${line}: tampered: `);
  if (why) expect(output).toMatch(why);
};

describe('audit verify on a real two-session log', () => {
  it('passes the log as written, and prints the sha256 of its last line', () => {
    const copy = join(work, 'copy.jsonl');
    copyFileSync(original, copy);
    const run = runCli(['audit', 'verify', copy]);
    expect(run.status).toBe(0);
    const head = createHash('sha256')
      .update(lines.at(-1) ?? '')
      .digest('hex');
    expect(run.stdout).toContain(`${copy}: ok, ${lines.length} lines`);
    expect(run.stdout).toContain('in 2 session(s)');
    expect(run.stdout).toContain(head);
  });

  it('reports a modified field at the next line (a denial flipped to allow)', () => {
    const at = deniedLine();
    const edited = [...lines];
    edited[at - 1] = lines[at - 1]!.replace('"allow":false', '"allow":true');
    expect(edited[at - 1]).not.toBe(lines[at - 1]);
    expectBadLine(verifyCopy('modified', edited), at + 1, /prev_hash does not match/);
  });

  it('reports a deleted line where the chain breaks', () => {
    const at = deniedLine();
    const edited = lines.filter((_, i) => i !== at - 1);
    expectBadLine(verifyCopy('deleted', edited), at);
  });

  it('reports two swapped lines at the first of them', () => {
    const at = deniedLine();
    const edited = [...lines];
    [edited[at - 1], edited[at]] = [lines[at]!, lines[at - 1]!];
    expectBadLine(verifyCopy('swapped', edited), at);
  });

  it('reports an inserted copy of a line at the insertion', () => {
    const at = deniedLine();
    const edited = [...lines.slice(0, at), lines[at - 1]!, ...lines.slice(at)];
    expectBadLine(verifyCopy('inserted-copy', edited), at + 1);
  });

  it('reports a forged line that chains onto its predecessor at the line after it', () => {
    const at = deniedLine();
    const previous = JSON.parse(lines[at - 1]!) as Record<string, unknown>;
    const forged = JSON.stringify({
      ...previous,
      seq: (previous['seq'] as number) + 1,
      prev_hash: createHash('sha256')
        .update(lines[at - 1]!)
        .digest('hex'),
      decision_id: '00000000-0000-4000-8000-000000000000',
    });
    const edited = [...lines.slice(0, at), forged, ...lines.slice(at)];
    expectBadLine(verifyCopy('inserted-forged', edited), at + 2, /prev_hash does not match/);
  });

  it('reports a log cut after a record as unterminated (exit 3): a chain cannot tell a cut from a crash', () => {
    const run = verifyCopy('no-end', lines.slice(0, -1));
    expect(run.status).toBe(3);
    expect(run.stdout).toContain(`${run.file}: unterminated: the session that starts at line `);
    expect(run.stdout).toContain(`(the log stops at line ${lines.length - 1})`);
  });

  it('reports a dropped end record of the first session where the second one starts', () => {
    const firstEnd = lineNumberOf((r) => r['type'] === 'end');
    const edited = lines.filter((_, i) => i !== firstEnd - 1);
    expect(firstEnd).toBeLessThan(lines.length);
    expectBadLine(verifyCopy('no-first-end', edited), firstEnd);
  });

  it('reports a log whose first lines were cut at line 1', () => {
    expectBadLine(verifyCopy('no-head', lines.slice(1)), 1, /start the chain/);
  });

  it('reports a last line cut off mid-write (no newline) as unterminated', () => {
    const file = join(work, 'torn.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n${lines[1]!.slice(0, 40)}`);
    const run = runCli(['audit', 'verify', file]);
    expect(run.status).toBe(3);
    expect(run.stdout).toContain(
      `${file}: unterminated: line ${lines.length + 1} was cut off mid-write.`,
    );
  });

  it('reports the same partial line, once a newline makes it a whole line, as tampered', () => {
    const edited = [...lines, lines[1]!.slice(0, 40)];
    expectBadLine(verifyCopy('whole-junk-line', edited), lines.length + 1, /not a record/);
  });

  it('prints the state of each log as JSON, and exits with the worst', () => {
    const at = deniedLine();
    const tampered = [...lines];
    tampered[at - 1] = lines[at - 1]!.replace('"allow":false', '"allow":true');
    const tamperedFile = verifyCopy('json-tampered', tampered).file;
    const cutFile = verifyCopy('json-cut', lines.slice(0, -1)).file;
    const run = runCli(['audit', 'verify', '--json', original, cutFile, tamperedFile]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      state: 'tampered',
      logs: [
        {
          file: original,
          state: 'ok',
          lines: lines.length,
          records: expect.any(Number),
          sessions: 2,
          last_line_sha256: createHash('sha256').update(lines.at(-1)!).digest('hex'),
        },
        expect.objectContaining({ file: cutFile, state: 'unterminated' }),
        {
          file: tamperedFile,
          state: 'tampered',
          line: at + 1,
          reason: expect.stringContaining('prev_hash does not match'),
        },
      ],
    });
    expect(runCli(['audit', 'verify', '--json', original, cutFile]).status).toBe(3);
  });

  it('cannot see an edit of the last line, but the head hash it prints changes', () => {
    const edited = [...lines];
    edited[lines.length - 1] = lines
      .at(-1)!
      .replace(/"timestamp":"[^"]+"/, '"timestamp":"2000-01-01T00:00:00.000Z"');
    const run = verifyCopy('edited-end', edited);
    expect(run.status).toBe(0);
    const head = createHash('sha256').update(lines.at(-1)!).digest('hex');
    expect(run.stdout).not.toContain(head);
  });
});

describe('one writer per log', () => {
  it('refuses a second shim on a log in use, without starting its server, and the log stays intact', async () => {
    const log = join(work, 'shared.jsonl');
    const received = join(work, 'second-server.jsonl');
    const shimOn = (env: Record<string, string> = {}) =>
      auditedShim(log, [join(FIXTURES, 'recording-server.mjs')], {
        env: { RECORD_FILE: received, ...env },
      });
    const first = shimOn({ RECORD_FILE: join(work, 'first-server.jsonl') });
    await first.initialize();
    const second = shimOn();
    // The client of the refused shim is told why, as the answer to its initialize.
    expect((await second.initialize())['error']).toMatchObject({
      message: expect.stringMatching(/^mcp-opa-shim could not start \(exit 78\): Another process/),
    });
    const refused = await second.close();
    expect(refused.code).toBe(78);
    expect(second.stderr).toContain('Another process');
    expect(second.stderr).toContain('--audit-log');
    expect(existsSync(received)).toBe(false);
    expect((await first.close()).code).toBe(0);
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
    // Once the first shim is gone, the log can be appended to again.
    const third = shimOn();
    await third.initialize();
    expect((await third.close()).code).toBe(0);
    const verify = runCli(['audit', 'verify', log]);
    expect(verify.stdout).toContain('in 2 session(s)');
    expect(verify.status).toBe(0);
  }, 30_000);
});
