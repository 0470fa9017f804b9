import type { Writable } from 'node:stream';
import type { ServerExit } from './exit-code.js';

/** Which step ended the server: it was already gone, closing stdin, SIGTERM or SIGKILL. */
export type ShutdownStage = 'already-exited' | 'stdin-closed' | 'sigterm' | 'sigkill';

export interface ShutdownResult {
  readonly exit: ServerExit;
  readonly stage: ShutdownStage;
}

export interface ShutdownTarget {
  readonly stdin: Writable;
  readonly exited: Promise<ServerExit>;
  readonly exit: ServerExit | undefined;
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Staged shutdown, as the MCP stdio transport specifies: close the server's stdin and give it
 * `graceMs` to exit on its own, then SIGTERM and `graceMs` more, then SIGKILL.
 */
export async function shutdownServer(
  target: ShutdownTarget,
  graceMs: number,
): Promise<ShutdownResult> {
  if (target.exit !== undefined) return { exit: target.exit, stage: 'already-exited' };
  if (!target.stdin.writableEnded && !target.stdin.destroyed) target.stdin.end();
  const afterStdin = await exitWithin(target.exited, graceMs);
  if (afterStdin !== undefined) return { exit: afterStdin, stage: 'stdin-closed' };
  target.kill('SIGTERM');
  const afterTerm = await exitWithin(target.exited, graceMs);
  if (afterTerm !== undefined) return { exit: afterTerm, stage: 'sigterm' };
  target.kill('SIGKILL');
  return { exit: await target.exited, stage: 'sigkill' };
}

function exitWithin(exited: Promise<ServerExit>, ms: number): Promise<ServerExit | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms, undefined);
    void exited.then((exit) => {
      clearTimeout(timer);
      resolve(exit);
    });
  });
}
