import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { Progress } from '../../src/offline/report-progress.js';
import { tempDir } from '../audit-e2e/helpers/audit-files.js';
import { REPO, SHIM } from '../helpers/shim-process.js';

/**
 * The long offline commands show progress on stderr when it is a terminal (a real
 * pseudo-terminal here), and nowhere else: stdout and non-terminal stderr stay as they were.
 */

const onPty = fileURLToPath(new URL('../logging/fixtures/stderr-on-pty.py', import.meta.url));
const work = tempDir('offline-progress-');
const log = join(work, 'audit.jsonl');

beforeAll(() => {
  execFileSync(process.execPath, [join(REPO, 'scripts/generate-audit-log.mjs'), log, '8'], {
    stdio: 'ignore',
  });
});

function audit(args: readonly string[], terminal: boolean) {
  if (!terminal) {
    const run = spawnSync(process.execPath, [SHIM, 'audit', ...args], { encoding: 'utf8' });
    return { status: run.status, stdout: run.stdout, stderr: run.stderr };
  }
  const capture = join(work, `stderr-${args[0] ?? ''}.txt`);
  const run = spawnSync('python3', [onPty, capture, process.execPath, SHIM, 'audit', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: readFileSync(capture, 'utf8') };
}

describe('progress of the offline commands', () => {
  it.each(['verify', 'summary', 'roots', 'replay'])(
    '%s: a meter on a terminal stderr, cleared at the end; stdout unchanged',
    (command) => {
      const plain = audit([command, log], false);
      const shown = audit([command, log], true);
      expect(plain.status).toBe(0);
      expect(shown.status).toBe(0);
      expect(plain.stderr).toBe('');
      expect(shown.stdout).toBe(plain.stdout);
      const label = command === 'verify' ? `audit verify ${log}` : `audit ${command}`;
      expect(shown.stderr).toMatch(
        new RegExp(`^\\r\\x1b\\[K${escape(label)}: \\d+% \\([\\d.]+ (B|KiB|MiB) of 8\\.0 MiB\\)`),
      );
      expect(shown.stderr.endsWith('\r\x1b[K')).toBe(true);
    },
  );
});

describe('Progress', () => {
  it('draws percent and bytes, at most every 200 ms, and clears its line', () => {
    const written: string[] = [];
    let now = 1_000;
    const stream = { isTTY: true, write: (text: string) => written.push(text) };
    const progress = Progress.forFiles(stream, 'audit summary', [log], () => now);
    progress?.update(1024 * 1024);
    now += 100;
    progress?.update(2 * 1024 * 1024);
    now += 150;
    progress?.update(4 * 1024 * 1024);
    progress?.done();
    const percent = (bytes: number) => Math.floor((bytes / statSync(log).size) * 100);
    expect(written).toEqual([
      `\r\x1b[Kaudit summary: ${percent(1024 * 1024)}% (1.0 MiB of 8.0 MiB)`,
      `\r\x1b[Kaudit summary: ${percent(4 * 1024 * 1024)}% (4.0 MiB of 8.0 MiB)`,
      '\r\x1b[K',
    ]);
  });

  it('is not created when the stream is not a terminal', () => {
    expect(Progress.forFiles({ write: () => true }, 'x', [log])).toBeUndefined();
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
