import type { ClassifiedMessage, JsonRpcId } from '../core/json-rpc.js';
import { clientErrorText, DEFAULT_APPROVAL_TIMEOUT_MS, readAnswer } from './approval-prompt.js';
import {
  grantApproval,
  refuseApproval,
  releaseApprovedCall,
  type AskedCall,
} from './approval-release.js';
import { DROP, type Outcome } from './outcome.js';
import type { RelayContext } from './relay-context.js';
import { failClosedToClient } from './fail-closed.js';

interface Waiting {
  readonly call: AskedCall;
  readonly timer: NodeJS.Timeout;
}

/** Per session: the shim's open `elicitation/create` requests, by the shim's id. */
const waitingBySession = new WeakMap<object, Map<string, Waiting>>();

function waitingOf(context: RelayContext): Map<string, Waiting> {
  let waiting = waitingBySession.get(context.session);
  if (waiting === undefined) {
    waiting = new Map();
    waitingBySession.set(context.session, waiting);
  }
  return waiting;
}

/**
 * Legacy era: the call waits for the human's answer without holding up anything else. It keeps
 * its id (a second request with it is refused) and its place in the namespace gate: a call that
 * could change the file tree still makes later path-bearing calls wait, as if it had been
 * forwarded. After `--approval-timeout` it is denied and the client is told to close the form.
 */
export function holdForApproval(context: RelayContext, shimId: string, call: AskedCall): void {
  const { session } = context;
  session.holdToServer(call.id, { method: 'tools/call', params: call.params, access: call.access });
  session.gate.enter(call.access);
  const timeoutMs = context.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  const timer = setTimeout(() => {
    try {
      timeOut(context, shimId, call, timeoutMs);
    } catch (error) {
      failHeld(context, call, error);
    }
  }, timeoutMs);
  // A forgotten form never keeps the shim alive once both peers are gone.
  timer.unref();
  waitingOf(context).set(shimId, { call, timer });
}

function timeOut(context: RelayContext, shimId: string, call: AskedCall, timeoutMs: number): void {
  if (!end(context, shimId)) return;
  void context.toClient.send(
    JSON.stringify({
      jsonrpc: '2.0',
      method: 'notifications/cancelled',
      params: { requestId: shimId, reason: 'mcp-opa-shim: the approval timed out' },
    }),
  );
  void deny(
    context,
    call,
    shimId,
    'timeout',
    `no answer within ${timeoutMs / 1000} s (--approval-timeout)`,
  );
}

/**
 * The client answered one of the shim's own requests: consumed here, never forwarded to the
 * server. An answer to an id the shim is not waiting on (late, or made up) is dropped and audited.
 */
export function answerApproval(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): Outcome {
  const shimId = message.id as string;
  const waiting = waitingOf(context).get(shimId);
  if (waiting === undefined || !end(context, shimId)) {
    context.auditor.fault({
      direction: 'to_server',
      fault: 'unexpected_response',
      detail: `answer to the shim's own approval request ${JSON.stringify(shimId)}, which is not waiting for one (timed out, answered, or never sent); it was not forwarded`,
      action: 'dropped',
    });
    return DROP;
  }
  const { call } = waiting;
  const answer =
    message.kind === 'error'
      ? { error: clientErrorText(message.error) }
      : readAnswer(message.result);
  if (answer === 'approve_once' || answer === 'approve_session') {
    const refused = grantApproval(context, call, { via: 'elicitation/create', id: shimId }, answer);
    if (refused !== undefined) void context.toClient.send(refused);
    else {
      releaseApprovedCall(context, call, answer).catch((error: unknown) => {
        failHeld(context, call, error);
      });
    }
    return DROP;
  }
  if (typeof answer === 'object') void deny(context, call, shimId, 'error', answer.error);
  else if (answer === 'deny') void deny(context, call, shimId, 'deny', 'the user denied it');
  else if (answer === 'decline') void deny(context, call, shimId, 'decline', 'the user declined');
  else void deny(context, call, shimId, 'cancel', 'the user cancelled the approval');
  return DROP;
}

/**
 * The client answered the shim's approval request with a message that is not valid JSON-RPC (for
 * example an error without a numeric code): nobody approved, so the call is denied at once rather
 * than at the timeout. False when no call waits on `shimId`.
 */
export function refuseMalformedApprovalAnswer(
  context: RelayContext,
  shimId: string,
  reason: string,
): boolean {
  const waiting = waitingOf(context).get(shimId);
  if (waiting === undefined || !end(context, shimId)) return false;
  void deny(
    context,
    waiting.call,
    shimId,
    'error',
    `the client's answer is not valid JSON-RPC (${reason}), so no one approved it`,
  );
  return true;
}

/**
 * The client cancelled a call that waits for approval: it is never forwarded nor answered, and
 * the client is told to close the form. False when no call with this id waits.
 */
export function cancelWaitingCall(context: RelayContext, id: JsonRpcId): boolean {
  for (const [shimId, { call }] of waitingOf(context)) {
    if (call.id !== id || !end(context, shimId)) continue;
    context.session.dropHeldToServer(id);
    context.auditor.fault({
      direction: 'to_server',
      fault: 'cancelled_while_held',
      detail: `the client cancelled tools/call ${call.tool} id ${JSON.stringify(id)} while it waited for approval; it was never forwarded`,
      action: 'dropped',
    });
    void context.toClient.send(
      JSON.stringify({
        jsonrpc: '2.0',
        method: 'notifications/cancelled',
        params: { requestId: shimId, reason: 'mcp-opa-shim: the call was cancelled' },
      }),
    );
    return true;
  }
  return false;
}

/**
 * Stops waiting: the timer, the entry and the call's place in the gate. False when the call is no
 * longer the session's to release (the server went away and the shim answered it already).
 */
function end(context: RelayContext, shimId: string): boolean {
  const waiting = waitingOf(context).get(shimId);
  if (waiting === undefined) return false;
  waitingOf(context).delete(shimId);
  clearTimeout(waiting.timer);
  const { session } = context;
  if (!session.isHeldToServer(waiting.call.id)) return false;
  session.gate.leave(waiting.call.access);
  return true;
}

/**
 * Judging or auditing failed while releasing or timing out a held call: fail closed. It was not
 * forwarded; the client is told so rather than left waiting.
 */
function failHeld(context: RelayContext, call: AskedCall, error: unknown): void {
  context.session.deniedByShim(call.id);
  void failClosedToClient(context, call.id, error, 'this call after approval').catch(
    () => undefined,
  );
}

function deny(
  context: RelayContext,
  call: AskedCall,
  shimId: string,
  answer: 'timeout' | 'deny' | 'decline' | 'cancel' | 'error',
  why: string,
): Promise<void> | undefined {
  return context.toClient.send(
    refuseApproval(context, call, { via: 'elicitation/create', id: shimId }, answer, why),
  );
}
