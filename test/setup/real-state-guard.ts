import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Vitest global setup: the real user's state directory (`$XDG_STATE_HOME/mcp-opa-shim`, and
 * `~/.local/state/mcp-opa-shim` for `$HOME` and for the passwd home a shim falls back to when a
 * test drops HOME) is listed before the run and again after it. Anything a test run added,
 * changed or removed there fails the run, naming the files: a shim started with an explicit
 * environment that dropped the per-file XDG_STATE_HOME (test/setup/state-home.ts) pinned into
 * the real home. The fix is `stateHomeEnv()` (test/helpers/state-home-env.ts) in that environment.
 *
 * Another process of the same user (a second test run, a shim in use) writing there during the
 * run fails it as well: the message gives each file's modification time to tell them apart.
 */
export function realStateDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = new Set<string>();
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) dirs.add(join(xdg, 'mcp-opa-shim'));
  for (const home of [env['HOME'], homedir(), userInfo().homedir]) {
    if (home !== undefined && home !== '') dirs.add(join(home, '.local/state/mcp-opa-shim'));
  }
  return [...dirs];
}

/** Every entry under `dir` (relative path → what identifies this version of it). */
export function listState(dir: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (relative: string): void => {
    let stats: Stats;
    try {
      stats = lstatSync(join(dir, relative));
    } catch {
      return;
    }
    if (!stats.isDirectory()) {
      found.set(relative, `${stats.size} bytes, modified ${stats.mtime.toISOString()}`);
      return;
    }
    if (relative !== '') found.set(`${relative}/`, 'directory');
    for (const name of readdirSync(join(dir, relative))) {
      walk(relative === '' ? name : join(relative, name));
    }
  };
  walk('');
  return found;
}

/** What differs between two listings of `dir`, one line per entry; empty when nothing does. */
export function stateChanges(
  dir: string,
  before: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
): string[] {
  const lines: string[] = [];
  for (const [path, now] of after) {
    const then = before.get(path);
    if (then === undefined) lines.push(`added ${join(dir, path)} (${now})`);
    else if (then !== now) lines.push(`changed ${join(dir, path)} (was ${then}, now ${now})`);
  }
  for (const path of before.keys()) {
    if (!after.has(path)) lines.push(`removed ${join(dir, path)}`);
  }
  return lines;
}

/**
 * Lists `dirs` now; the returned check throws, naming what changed there since, if anything did
 * (and sets a failing exit code: a throw in a global teardown is only logged by some Vitest
 * versions).
 */
export function guardDirectories(dirs: readonly string[]): () => void {
  const before = dirs.map((dir) => listState(dir));
  return () => {
    const changes = dirs.flatMap((dir, index) =>
      stateChanges(dir, before[index] ?? new Map(), listState(dir)),
    );
    if (changes.length === 0) return;
    process.exitCode = 1;
    throw new Error(
      [
        'The test run wrote into the real state directory:',
        ...changes.map((line) => `  ${line}`),
        "A shim (or a server it starts) was given an environment without the test file's XDG_STATE_HOME:",
        'add stateHomeEnv() (test/helpers/state-home-env.ts) to that environment, and delete the files above.',
      ].join('\n'),
    );
  };
}

export default function guardRealStateDirectory(): () => void {
  return guardDirectories(realStateDirs());
}
