import type { ScannedMessage } from '../messages/classify-scan.js';
import type { ClassifiedMessage } from '../messages/json-rpc.js';
import { filterListResult, LIST_ITEMS } from './filter-list.js';
import { judgeInputRequests } from './input-requests.js';
import { absorbCatalogPage } from './refresh-catalog.js';
import { UNCHANGED, type RelayContext } from './relay-context.js';

interface Outcome {
  readonly toClient?: unknown;
  readonly reply?: string;
}

/**
 * Server → client responses need no judgement of their own, except where they carry
 * something the policy governs: list pages (filtered) and modern `input_required` results.
 */
export function handleServerResponse(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): Outcome {
  if (message.id === null) return { toClient: UNCHANGED };
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
    return {};
  }
  if (pending.internal === true) {
    if (message.kind === 'error') return {};
    const next = absorbCatalogPage(context, message.result);
    return next === undefined ? {} : { reply: next };
  }
  if (message.kind === 'error') return { toClient: UNCHANGED };

  const { result } = message;
  if (pending.method === 'initialize') session.observeInitializeResult(result);
  if (pending.method === 'server/discover') session.observeDiscoverResult(result);
  if (result.resultType === 'input_required') {
    return { toClient: judgeInputRequests(context, message.id, pending, result) ?? UNCHANGED };
  }
  const filtered = filterListResult(context, pending, result);
  if (filtered === undefined) return { toClient: UNCHANGED };
  return { toClient: { jsonrpc: '2.0', id: message.id, result: filtered } };
}

/**
 * For a response read by scanning only: true when handleServerResponse would forward it unchanged
 * having done nothing but settle its id. Then it settles the id; otherwise it changes nothing and
 * the frame takes the slow path.
 */
export function settleUnjudgedResponse(
  context: RelayContext,
  message: Extract<ScannedMessage, { kind: 'response' | 'error' }>,
): boolean {
  if (message.id === null) return false;
  const pending = context.session.peekToServer(message.id);
  if (pending === undefined || pending.internal === true) return false;
  if (message.kind === 'response') {
    const { method } = pending;
    // Results the session observes, lists the policy filters, input requests it judges.
    if (method === 'initialize' || method === 'server/discover') return false;
    if (LIST_ITEMS[method] !== undefined) return false;
    if (message.resultType === 'input_required') return false;
  }
  context.session.settleToServer(message.id);
  return true;
}
