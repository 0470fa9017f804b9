import type { Readable, Writable } from 'node:stream';
import { errorReply } from '../messages/build-replies.js';
import { ErrorCodes, type JsonRpcId } from '../core/json-rpc.js';

/**
 * How long a shim that cannot start waits for the client's first request. Clients write
 * `initialize` (or `server/discover`) as soon as they have spawned the server (the SDK's
 * transports, Claude Code, the Inspector), so it is normally in the pipe before the shim has
 * even found its problem; the bound only matters for a parent that keeps stdin open and never
 * writes, which then waits this long for the exit code.
 */
export const FIRST_REQUEST_WAIT_MS = 3_000;
/**
 * After an answer, how long more requests are answered: a dual-era client follows a failed
 * `server/discover` with `initialize`, and should see the reason twice rather than a closed pipe.
 */
export const LINGER_AFTER_ANSWER_MS = 1_000;
/** A client line longer than this is not read whole: its request cannot be answered by id. */
const MAX_LINE_BYTES = 1024 * 1024;
/** The message is shown in a client's UI; a compiler's list of errors is cut here. */
const MAX_MESSAGE_CHARS = 1_000;

export interface StartupFailureIo {
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly stdout: Writable;
}

export interface StartupFailureTimes {
  readonly firstRequestMs?: number;
  readonly lingerMs?: number;
}

/**
 * The shim could not start: a client that launched it (Claude Code, Claude Desktop, the
 * Inspector) shows only "Connection closed" when the process just exits. So every request it
 * sends before stdin closes (or the bounded wait ends) is answered with a JSON-RPC error whose
 * message is the cause and the fix; notifications and responses are ignored. A person at a
 * terminal (stdin is a TTY) has read the same line on stderr already: no wait.
 * Resolves with the number of requests answered.
 */
export async function answerStartupFailure(
  cause: string,
  exitCode: number,
  io: StartupFailureIo,
  times: StartupFailureTimes = {},
): Promise<number> {
  if (io.stdin.isTTY === true) return 0;
  const message = clientMessage(cause, exitCode);
  const firstRequestMs = times.firstRequestMs ?? FIRST_REQUEST_WAIT_MS;
  const lingerMs = times.lingerMs ?? LINGER_AFTER_ANSWER_MS;
  let answered = 0;
  let pending = Buffer.alloc(0);
  let skipping = false;
  let writes: Promise<void> = Promise.resolve();

  await new Promise<void>((resolve) => {
    let timer = setTimeout(finish, firstRequestMs);
    function finish(): void {
      clearTimeout(timer);
      io.stdin.off('data', onData).off('end', finish).off('error', finish).off('close', finish);
      io.stdin.pause();
      resolve();
    }
    function answer(line: string): void {
      const request = requestsIn(line);
      if (request.ids.length === 0) return;
      answered += request.ids.length;
      const replies = request.ids.map((id) => errorReply(id, ErrorCodes.internalError, message));
      const frame = request.batch ? `[${replies.join(',')}]` : replies.join('');
      writes = writes.then(() => write(io.stdout, `${frame}\n`));
      clearTimeout(timer);
      timer = setTimeout(finish, lingerMs);
    }
    function onData(chunk: Buffer | string): void {
      pending = Buffer.concat([pending, typeof chunk === 'string' ? Buffer.from(chunk) : chunk]);
      for (let nl = pending.indexOf(0x0a); nl >= 0; nl = pending.indexOf(0x0a)) {
        const line = pending.subarray(0, nl);
        pending = pending.subarray(nl + 1);
        if (skipping) skipping = false;
        else answer(line.toString('utf8'));
      }
      if (pending.length > MAX_LINE_BYTES) {
        pending = Buffer.alloc(0);
        skipping = true;
      }
    }
    io.stdin.on('data', onData).once('end', finish).once('error', finish).once('close', finish);
    io.stdin.resume();
  });
  await writes;
  return answered;
}

function ignore(): void {
  // The write's callback has the error already.
}

/** One line, whatever the cause spans (an `opa` compile error lists one problem per line). */
export function clientMessage(cause: string, exitCode: number): string {
  const oneLine = cause
    .split(/\r?\n/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' | ');
  const text = `mcp-opa-shim could not start (exit ${exitCode}): ${oneLine}`;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : text;
}

/** Ids of the requests in a line: one message, or a batch (2025-03-26) answered as a batch. */
function requestsIn(line: string): { ids: JsonRpcId[]; batch: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { ids: [], batch: false };
  }
  const batch = Array.isArray(parsed);
  const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const ids: JsonRpcId[] = [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const { id, method } = item as { id?: unknown; method?: unknown };
    if (typeof method !== 'string') continue;
    if (typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))) ids.push(id);
  }
  return { ids, batch };
}

function write(stream: Writable, line: string): Promise<void> {
  return new Promise((resolve) => {
    // A client that already closed our stdout (EPIPE) cannot read the answer: nothing more to do.
    // The error is also emitted as an event, after the callback: it must not crash the exit.
    if (!stream.listeners('error').includes(ignore)) stream.on('error', ignore);
    stream.write(line, () => {
      resolve();
    });
  });
}

export interface StartupFailureReport extends StartupFailureIo {
  readonly stderr: { write(text: string): unknown };
}

/**
 * Says why the shim cannot start: one line on stderr (`mcp-opa-shim: <cause>`), then the same
 * cause to the client as the answer to its requests. Resolves with `exitCode`.
 */
export async function reportStartupFailure(
  cause: string,
  exitCode: number,
  io: StartupFailureReport,
  times?: StartupFailureTimes,
): Promise<number> {
  io.stderr.write(`mcp-opa-shim: ${cause}\n`);
  await answerStartupFailure(cause, exitCode, io, times);
  return exitCode;
}
