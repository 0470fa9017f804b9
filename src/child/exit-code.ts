import { constants } from 'node:os';

/** How the server process ended: an exit code, or the signal that killed it. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The shim's exit code for a server exit: its own code, or 128 + signal number as a shell reports it. */
export function exitCodeOf(exit: ServerExit): number {
  if (exit.code !== null) return exit.code;
  if (exit.signal !== null) {
    const number = (constants.signals as Partial<Record<NodeJS.Signals, number>>)[exit.signal];
    if (number !== undefined) return 128 + number;
  }
  return 1;
}
