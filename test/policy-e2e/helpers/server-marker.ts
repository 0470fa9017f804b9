import { existsSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';

/**
 * The server starts while the policy loads (issue 14: spawn first), so a configuration the shim
 * refuses may find its server already running. What must hold: the shim stops that server before
 * it exits, and the server never got a frame. The launcher in front of the server writes its pid to
 * `marker` and then execs the server (same pid); this checks that no such process is left.
 */
export const MARKER_LAUNCHER = 'echo $$ > "$0"; exec';

export function expectServerStopped(marker: string): void {
  if (!existsSync(marker)) return; // refused before the spawn call returned: never started
  const pid = Number(readFileSync(marker, 'utf8').trim());
  expect(Number.isInteger(pid) && pid > 0, `a pid in ${marker}`).toBe(true);
  expect(isRunning(pid), `server pid ${String(pid)} still running after the shim exited`).toBe(
    false,
  );
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
