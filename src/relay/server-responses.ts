import type { ScannedMessage } from '../messages/classify-scan.js';
import { errorReply } from '../messages/build-replies.js';
import {
  ErrorCodes,
  type ClassifiedMessage,
  type JsonObject,
  type JsonRpcId,
} from '../core/json-rpc.js';
import type { PendingRequest } from '../session/session.js';
import { roundOf } from '../session/task-ledger.js';
import { publicReason } from './deny-reply.js';
import { filterListResult, LIST_ITEMS } from './filter-list.js';
import { judgeInputRequests, refusedRequest } from './input-requests.js';
import { DROP, FORWARD, type Outcome } from './outcome.js';
import { absorbCatalogAnswer } from './refresh-catalog.js';
import type { RelayContext } from './relay-context.js';
import { findStrayKey, refuseStray } from './stray-embedded.js';
import { filterTaskList, judgePolledOutcome, recordCreatedTask } from './task-results.js';

/**
 * Server → client responses need no judgement of their own, except where they carry
 * something the policy governs: list pages (filtered), embedded requests (modern
 * `input_required` results, a task's `tasks/get`), and tasks (recorded, listed only when known).
 */
export function handleServerResponse(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): Outcome {
  if (message.id === null) {
    const stray = findStrayKey(message, 'inputRequests');
    if (stray === undefined) return FORWARD;
    refuseStray(context, 'error response', stray, 'dropped');
    return DROP;
  }
  const { session } = context;
  const pending = session.settleToServer(message.id);
  if (pending === undefined) {
    // Includes answers to requests the shim denied: the client already has its answer.
    const detail = `response to id ${JSON.stringify(message.id)}, which the client never sent to the server`;
    context.auditor.fault({
      direction: 'to_client',
      fault: 'unexpected_response',
      detail,
      action: 'dropped',
    });
    return DROP;
  }
  if (pending.internal === true) {
    const next = absorbCatalogAnswer(context, message);
    return next === undefined ? DROP : { reply: next };
  }
  if (message.kind === 'error') {
    const stray = findStrayKey(message.error, 'inputRequests');
    if (stray === undefined) return FORWARD;
    const detail = refuseStray(context, 'error response', `/error${stray}`, 'denied');
    return { onward: refusal(context, message.id, pending.method, detail) };
  }

  const { result } = message;
  if (needsOnlySettling(pending, 'response', result.resultType)) {
    const stray = findStrayKey(result, 'inputRequests');
    if (stray === undefined) return FORWARD;
  }
  if (pending.method === 'initialize') session.observeInitializeResult(result);
  if (pending.method === 'server/discover') session.observeDiscoverResult(result);
  return handleResult(context, message.id, pending, result);
}

/** Embedded requests are judged where the protocol puts them and refused anywhere else. */
function handleResult(
  context: RelayContext,
  id: JsonRpcId,
  pending: PendingRequest,
  result: JsonObject,
): Outcome {
  const embeds =
    result.resultType === 'input_required' ||
    (pending.method === 'tasks/get' && result.inputRequests !== undefined);
  const stray = findStrayKey(result, 'inputRequests', embeds ? result : undefined);
  if (stray !== undefined) {
    const detail = refuseStray(context, `${pending.method} result`, `/result${stray}`, 'denied');
    return { onward: refusal(context, id, pending.method, detail) };
  }
  const withheld = judgePolledOutcome(context, id, pending, result);
  if (withheld !== undefined) {
    return {
      onward: JSON.parse(errorReply(id, ErrorCodes.invalidParams, publicReason(withheld))),
    };
  }
  if (embeds) {
    const round = roundOf(pending.method, pending.params);
    const denied = judgeInputRequests(context, id, pending.method, result.inputRequests, round);
    // Relay the value that was judged, re-encoded: a duplicate key or an escape in the frame
    // cannot make the client read something else.
    return { onward: denied === undefined ? { jsonrpc: '2.0', id, result } : JSON.parse(denied) };
  }
  recordCreatedTask(context, pending, result);
  const filtered =
    pending.method === 'tasks/list'
      ? filterTaskList(context, result)
      : filterListResult(context, pending, result);
  if (filtered === undefined) return FORWARD;
  return { onward: { jsonrpc: '2.0', id, result: filtered } };
}

/** The client's pending request fails with the reason (the model reads a tool's). */
function refusal(context: RelayContext, id: JsonRpcId, method: string, detail: string): unknown {
  const reason = `Refused the server's response: ${detail}`;
  return JSON.parse(refusedRequest(context.session, id, method, reason, ErrorCodes.internalError));
}

/**
 * True when an answer to `pending` needs nothing but its id settled, provided it carries no
 * embedded request: both paths ask this, handleServerResponse of the decoded value and
 * settleUnjudgedResponse of the scanned bytes. An error needs nothing more; a result does when
 * the session observes it, the policy filters it (lists), it may embed requests the policy judges
 * (`input_required`), or it concerns a task (recorded, polled, listed).
 */
function needsOnlySettling(
  pending: PendingRequest,
  kind: 'response' | 'error',
  resultType: unknown,
): boolean {
  if (pending.internal === true) return false;
  if (kind === 'error') return true;
  const { method } = pending;
  if (method === 'initialize' || method === 'server/discover') return false;
  if (LIST_ITEMS[method] !== undefined || method.startsWith('tasks/')) return false;
  if (resultType === 'input_required' || resultType === 'task') return false;
  return pending.params?.task === undefined;
}

/**
 * For a response read by scanning only: when it needs nothing but settling (needsOnlySettling),
 * settles its id and returns true; otherwise it changes nothing and the frame takes the slow
 * path. (Frames whose bytes may hide an embedded request never get here: see mayCarryEmbedded.)
 */
export function settleUnjudgedResponse(
  context: RelayContext,
  message: Extract<ScannedMessage, { kind: 'response' | 'error' }>,
): boolean {
  if (message.id === null) return false;
  const pending = context.session.peekToServer(message.id);
  if (pending === undefined) return false;
  const resultType = message.kind === 'response' ? message.resultType : undefined;
  if (!needsOnlySettling(pending, message.kind, resultType)) return false;
  context.session.settleToServer(message.id);
  return true;
}
