import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  QuotaSegments,
  QuotaStoreError,
  REFRESH_MS,
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
    await sleep(REFRESH_MS + 1);
    expect(store.view(now).counts).toEqual({ a: 1 });
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
    await sleep(REFRESH_MS + 1);
    expect(() => segments.countOf('fs/glob', now)).toThrow(QuotaStoreError);
    expect(() => segments.view(now)).toThrow(
      /quota directory .* was removed while the shim ran.*Restart the shim/,
    );
  });
});
