import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { everythingServer, inspectorCliDir } from '../e2e/helpers/paths.js';
import { REPO, SHIM } from '../helpers/shim-process.js';
import { readLog, runCli, tempDir } from './helpers/audit-files.js';

/**
 * Sessions that real clients end the way they always do are audited as ended, not as faults:
 * the Inspector CLI closes the shim's stdin (a `clean` end); Claude Code sends SIGINT, which the
 * shim passes on (a `signalled` end, exit 0). `audit summary` then counts no fault.
 */

const run = promisify(execFile);
const work = tempDir('client-session-ends-');
const server = [process.execPath, everythingServer, 'stdio'];

interface Summary {
  readonly faults: number;
  readonly sessions: number;
  readonly by_session_end: Record<string, number>;
}

function summary(log: string): Summary {
  const result = runCli(['audit', 'summary', '--json', log]);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Summary;
}

describe('sessions ended by real clients', () => {
  it('the Inspector CLI: three sessions, three clean end records, no fault', async () => {
    const log = join(work, 'inspector.jsonl');
    const cli = join(inspectorCliDir, 'build/cli.js');
    for (let i = 0; i < 3; i++) {
      await run(
        process.execPath,
        [
          cli,
          '--cli',
          process.execPath,
          SHIM,
          '--audit-log',
          log,
          '--',
          ...server,
          '--method',
          'tools/list',
        ],
        { cwd: join(inspectorCliDir, 'build'), timeout: 25_000 },
      );
    }
    expect(summary(log)).toMatchObject({ faults: 0, sessions: 3, by_session_end: { clean: 3 } });
    const ends = readLog(log).filter((record) => record.type === 'end');
    expect(ends.map((end) => end['session_end'])).toEqual(
      Array(3).fill({
        kind: 'clean',
        detail: 'the client closed the session; the server exited (exit code 0)',
        exit_code: 0,
      }),
    );
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
  }, 90_000);

  it('claude mcp list: each health check ends with SIGINT, audited as signalled, no fault', () => {
    const log = join(work, 'claude.jsonl');
    const home = join(work, 'home');
    mkdirSync(home, { recursive: true });
    const config = {
      mcpServers: {
        audited: {
          type: 'stdio',
          command: process.execPath,
          args: [SHIM, '--audit-log', log, '--', ...server],
          env: {},
        },
      },
    };
    writeFileSync(join(home, '.claude.json'), JSON.stringify(config));
    for (let i = 0; i < 2; i++) {
      const list = spawnSync(join(REPO, 'node_modules/.bin/claude'), ['mcp', 'list'], {
        cwd: work,
        encoding: 'utf8',
        timeout: 90_000,
        env: { HOME: home, PATH: process.env['PATH'] ?? '', DISABLE_AUTOUPDATER: '1' },
      });
      expect(list.stdout).toContain('audited: ');
      expect(list.stdout).toContain('✔ Connected');
    }
    // Claude Code need not wait for the shim to exit: wait for the last end record.
    const deadline = Date.now() + 15_000;
    while (readLog(log).filter((r) => r.type === 'end').length < 2 && Date.now() < deadline)
      spawnSync('sleep', ['0.2']);
    const result = summary(log);
    expect(result).toMatchObject({ faults: 0, sessions: 2 });
    expect(Object.keys(result.by_session_end)).not.toContain('fault');
    const ends = readLog(log).filter((record) => record.type === 'end');
    for (const end of ends)
      expect(end['session_end']).toMatchObject({
        exit_code: 0,
        kind: expect.stringMatching(/^(clean|signalled)$/),
      });
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
  }, 180_000);
});
