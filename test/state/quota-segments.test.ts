import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  QuotaSegments,
  QuotaStoreError,
  MAX_HELD,
  REFRESH_MS,
  WRITE_MS,
} from '../../src/state/counters/quota-segments.js';

const DAY = 86_400_000;
const opened: QuotaSegments[] = [];
const directories: string[] = [];

function freshDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'quota-'));
  directories.push(directory);
  return directory;
}

function open(directory: string, now = Date.now()): QuotaSegments {
  const segments = QuotaSegments.open(directory, DAY, now);
  opened.push(segments);
  return segments;
}

afterEach(() => {
  vi.useRealTimers();
  for (const segments of opened.splice(0)) segments.close();
  for (const directory of directories.splice(0))
    rmSync(directory, { recursive: true, force: true });
});

describe('QuotaSegments', () => {
  it('reads the counts of an earlier run at open (a restart keeps them)', () => {
    const directory = freshDirectory();
    const now = Date.now();
    const first = open(directory, now);
    first.append('fs/glob', now);
    first.append('fs/glob', now);
    first.close();
    opened.splice(opened.indexOf(first), 1);
    expect(open(directory, now).view(now).counts).toEqual({ 'fs/glob': 2 });
  });

  it('sees what another open store appends, in its own segment file', async () => {
    const directory = freshDirectory();
    const now = Date.now();
    const one = open(directory, now);
    const two = open(directory, now);
    one.append('fs/glob', now);
    two.append('fs/glob', now);
    expect(readdirSync(directory)).toHaveLength(2);
    // The directory watcher reports the other segment's change asynchronously.
    await expect.poll(() => one.view(now).counts['fs/glob']).toBe(2);
    await expect.poll(() => two.view(now).counts['fs/glob']).toBe(2);
  });

  it('fails closed with the file and line on a corrupt segment', () => {
    const directory = freshDirectory();
    const now = Date.now();
    writeFileSync(
      path.join(directory, `${process.pid}-abcdef01.jsonl`),
      `${JSON.stringify({ t: now, k: 'a' })}\nnot json\n`,
    );
    expect(() => open(directory, now)).toThrow(QuotaStoreError);
    expect(() => open(directory, now)).toThrow(/corrupt at line 2.*Move the file aside/);
  });

  it('keeps failing once another segment turns corrupt while it runs', async () => {
    const directory = freshDirectory();
    const now = Date.now();
    const store = open(directory, now);
    const other = path.join(directory, `${process.pid}-abcdef04.jsonl`);
    writeFileSync(other, `${JSON.stringify({ t: now, k: 'a' })}\n`);
    // Alone, a shim that starts is seen within WRITE_MS; from then on, within REFRESH_MS.
    await sleep(WRITE_MS + 1);
    expect(store.view(now).counts).toEqual({ a: 1 });
    expect(store.othersRunning).toBe(true);
    appendFileSync(other, '{"t": "soon", "k": "a"}\n');
    // The other shims' segments are read at most once per REFRESH_MS.
    await sleep(REFRESH_MS + 1);
    expect(() => store.view(now)).toThrow(/corrupt at line 2/);
    expect(() => store.view(now)).toThrow(/corrupt at line 2/);
    expect(() => {
      store.append('a', now);
    }).toThrow(QuotaStoreError);
  });

  it('does not count a line its writer has not finished', () => {
    const directory = freshDirectory();
    const now = Date.now();
    const file = path.join(directory, `${process.pid}-abcdef02.jsonl`);
    writeFileSync(file, `${JSON.stringify({ t: now, k: 'a' })}\n{"t": ${now}, "k"`);
    const store = open(directory, now);
    expect(store.view(now).counts).toEqual({ a: 1 });
    appendFileSync(file, ': "a"}\n');
  });

  it('fails closed, naming --state-dir, when the directory cannot be made', () => {
    const directory = freshDirectory();
    // A file where the directory should be: refused even for root.
    writeFileSync(path.join(directory, 'q'), '');
    expect(() => open(path.join(directory, 'q', 'principal'))).toThrow(
      /Cannot open the quota directory .*--state-dir/,
    );
  });

  it('deletes a segment whose counts all expired and whose shim has exited', () => {
    const directory = freshDirectory();
    const now = Date.now();
    const old = path.join(directory, '999999999-abcdef03.jsonl');
    writeFileSync(old, `${JSON.stringify({ t: now - 2 * DAY, k: 'a' })}\n`);
    utimesSync(old, (now - 2 * DAY) / 1000, (now - 2 * DAY) / 1000);
    const store = open(directory, now);
    expect(readdirSync(directory)).not.toContain('999999999-abcdef03.jsonl');
    expect(store.view(now).counts).toEqual({});
  });

  it('counts one key as its view does, reading the other shims first', async () => {
    const directory = freshDirectory();
    const now = Date.now();
    const one = open(directory, now);
    const two = open(directory, now);
    two.append('fs/glob', now);
    await expect.poll(() => one.countOf('fs/glob', now)).toBe(1);
    expect(one.view(now).counts['fs/glob']).toBe(1);
    expect(one.countOf('fs/read', now)).toBe(0);
  });

  it('fails closed when its directory is removed while it runs', async () => {
    const directory = freshDirectory();
    const now = Date.now();
    const segments = open(directory, now);
    segments.append('fs/glob', now);
    rmSync(directory, { recursive: true, force: true });
    // Alone, it looks every WRITE_MS.
    await sleep(WRITE_MS + 1);
    expect(() => segments.countOf('fs/glob', now)).toThrow(QuotaStoreError);
    expect(() => segments.view(now)).toThrow(
      /quota directory .* was removed while the shim ran.*Restart the shim/,
    );
  });

  describe('writes', () => {
    /** The lines of the one segment in `directory` whose name is not in `others`. */
    function ownLines(directory: string, others: readonly string[] = []): string[] {
      const own = readdirSync(directory).filter((name) => !others.includes(name));
      expect(own).toHaveLength(1);
      const text = readFileSync(path.join(directory, own[0] ?? ''), 'utf8');
      return text === '' ? [] : text.trimEnd().split('\n');
    }

    /** A segment of a running shim: this process's pid (a real shim's name, another suffix). */
    function runningSegment(directory: string): string {
      const name = `${String(process.pid)}-0000beef.jsonl`;
      writeFileSync(path.join(directory, name), '');
      return name;
    }

    /** A store opened alone in a fresh directory, with the timers faked: none may fire by itself. */
    function storeWithFakeTimers() {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
      const directory = freshDirectory();
      const now = Date.now();
      return { directory, now, segments: open(directory, now) };
    }

    /** Waits `ms` without timers (they are faked here). */
    function spin(ms: number): void {
      const until = performance.now() + ms;
      while (performance.now() < until);
    }

    it('alone, holds the calls of WRITE_MS and writes them with the first call after it', () => {
      const { directory, now, segments } = storeWithFakeTimers();
      expect(segments.othersRunning).toBe(false);
      segments.append('fs/glob', now);
      segments.append('fs/read', now + 1);
      // Counted at once, written later; no timer is armed for it.
      expect(segments.view(now + 1).counts).toEqual({ 'fs/glob': 1, 'fs/read': 1 });
      expect(vi.getTimerCount()).toBe(0);
      vi.runAllTimers();
      expect(ownLines(directory)).toEqual([]);
      spin(WRITE_MS);
      segments.append('fs/glob', now + 2);
      expect(ownLines(directory)).toEqual([
        JSON.stringify({ t: now, k: 'fs/glob' }),
        JSON.stringify({ t: now + 1, k: 'fs/read' }),
        JSON.stringify({ t: now + 2, k: 'fs/glob' }),
      ]);
    });

    it('alone, holds at most MAX_HELD calls however fast they come', () => {
      const { directory, now, segments } = storeWithFakeTimers();
      for (let call = 0; call < MAX_HELD - 1; call++) segments.append('fs/glob', now);
      expect(ownLines(directory)).toEqual([]);
      segments.append('fs/glob', now);
      expect(ownLines(directory)).toHaveLength(MAX_HELD);
      for (let call = 0; call < MAX_HELD * 3 + 1; call++) segments.append('fs/glob', now);
      expect(ownLines(directory)).toHaveLength(MAX_HELD * 4);
      expect(segments.view(now).counts['fs/glob']).toBe(MAX_HELD * 4 + 1);
    });

    it('while another shim runs, writes the calls of a turn once it is done', () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate'] });
      const directory = freshDirectory();
      const other = runningSegment(directory);
      const now = Date.now();
      const segments = open(directory, now);
      expect(segments.othersRunning).toBe(true);
      segments.append('fs/glob', now);
      expect(ownLines(directory, [other])).toEqual([]);
      // The turn's immediates only: no WRITE_MS timer is waited for.
      vi.advanceTimersByTime(0);
      expect(ownLines(directory, [other])).toEqual([JSON.stringify({ t: now, k: 'fs/glob' })]);
    });

    it('writes what it holds at its next look once another shim starts', () => {
      const { directory, now, segments } = storeWithFakeTimers();
      segments.append('fs/glob', now);
      const other = runningSegment(directory);
      // Without the move the directory's mtime might not change within its granularity.
      utimesSync(directory, new Date(now + 60_000), new Date(now + 60_000));
      spin(REFRESH_MS + 1);
      // Alone, it does not look again before WRITE_MS.
      expect(segments.othersRunning).toBe(false);
      expect(segments.countOf('fs/glob', now)).toBe(1);
      expect(segments.othersRunning).toBe(false);
      expect(ownLines(directory, [other])).toEqual([]);
      spin(WRITE_MS);
      expect(segments.countOf('fs/glob', now)).toBe(1);
      expect(segments.othersRunning).toBe(true);
      expect(ownLines(directory, [other])).toEqual([JSON.stringify({ t: now, k: 'fs/glob' })]);
    });

    it('writes what it holds when it closes', () => {
      const { directory, now, segments } = storeWithFakeTimers();
      segments.append('fs/glob', now);
      segments.close();
      opened.splice(opened.indexOf(segments), 1);
      expect(ownLines(directory)).toEqual([JSON.stringify({ t: now, k: 'fs/glob' })]);
    });
  });
});
