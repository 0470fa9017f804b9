import { exitCodeOf, type ServerExit } from './exit-code.js';
import type { ShutdownStage } from './shutdown.js';

/**
 * The shim's exit code when the server went away while it was still needed (the client still
 * connected, requests unanswered, or its stdout closed early) but its own status says success:
 * sysexits' EX_UNAVAILABLE. A server status that already says failure is passed on instead.
 */
export const EXIT_SERVER_LOST = 69;

/** What the shim knew when the server was gone; see describeSessionEnding. */
export interface EndingFacts {
  readonly exit: ServerExit;
  /** The step of the shim's staged shutdown that ended it; undefined when the shim started none. */
  readonly stage: ShutdownStage | undefined;
  /** The client had closed its end (stdin EOF) before the server exited. */
  readonly clientClosedFirst: boolean;
  /** A signal the shim received and passed on to the server (SIGINT, SIGTERM, SIGHUP). */
  readonly forwardedSignal: NodeJS.Signals | undefined;
  /** The server closed its stdout while it was still running and the client still connected. */
  readonly stdoutClosedEarly: boolean;
  /** Client requests the server never answered; each gets a JSON-RPC error from the shim. */
  readonly unanswered: number;
}

/**
 * `clean`: the client was done, the server stopped when asked (exit 0, or the shim's SIGTERM) and
 * nothing was left unanswered. `signalled`: someone signalled the shim and it passed the signal on.
 * `fault`: anything else: the server died, quit or stopped answering while it was still needed.
 */
export type EndingKind = 'clean' | 'signalled' | 'fault';

export interface SessionEnding {
  readonly kind: EndingKind;
  readonly exitCode: number;
  /** One line for stderr and the audit log: what happened, the status and what was lost. */
  readonly detail: string;
}

export function describeSessionEnding(facts: EndingFacts): SessionEnding {
  const { exit, stage, unanswered } = facts;
  const status = describeExit(exit);
  const lost =
    unanswered === 0
      ? 'no request was pending'
      : `${unanswered} pending request${unanswered === 1 ? ' was' : 's were'} answered with an error`;
  const stoppedWhenAsked = exit.code === 0 || (exit.signal === 'SIGTERM' && stage === 'sigterm');
  if (facts.clientClosedFirst && unanswered === 0 && stoppedWhenAsked) {
    return {
      kind: 'clean',
      exitCode: 0,
      detail: `the client closed the session; the server ${status}`,
    };
  }
  const code = exitCodeOf(exit);
  if (facts.forwardedSignal !== undefined && !facts.stdoutClosedEarly && stage !== 'sigkill') {
    // Asked to stop from outside: the shim stops with the server's own status, as a shell would.
    // A server that had to be killed with SIGKILL did not stop when asked: that stays a fault.
    return {
      kind: 'signalled',
      exitCode: code,
      detail: `the shim received ${facts.forwardedSignal} and passed it on; the server ${status}; ${lost}`,
    };
  }
  return {
    kind: 'fault',
    exitCode: code === 0 ? EXIT_SERVER_LOST : code,
    detail: `${faultCause(facts, status)}; ${lost}`,
  };
}

function faultCause(facts: EndingFacts, status: string): string {
  if (facts.stdoutClosedEarly) {
    return `the server closed its stdout while still running, so nothing more could reach the client; the shim stopped it and it ${status}`;
  }
  if (facts.clientClosedFirst) {
    return facts.stage === 'sigkill'
      ? `the server did not stop after stdin closed and SIGTERM; it ${status}`
      : `the server ${status} after the client closed the session`;
  }
  if (facts.stage === 'sigkill') {
    return `the server did not stop after ${facts.forwardedSignal ?? 'SIGTERM'}, stdin closed and SIGTERM; it ${status}`;
  }
  return `the server ${status} while the client was still connected`;
}

/** "exited (exit code 3)", "exited (killed by SIGKILL)". */
export function describeExit(exit: ServerExit): string {
  if (exit.signal !== null) return `exited (killed by ${exit.signal})`;
  return exit.code === null ? 'exited (no status)' : `exited (exit code ${exit.code})`;
}
