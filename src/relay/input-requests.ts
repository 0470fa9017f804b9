import { buildMessageInput } from '../input/build-input.js';
import { errorReply, toolErrorReply } from '../messages/build-replies.js';
import { ErrorCodes, isJsonObject, type JsonRpcId } from '../core/json-rpc.js';
import type { Session } from '../session/session.js';
import { ledgerOf } from '../session/task-ledger.js';
import { publicReason } from './deny-reply.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';

/**
 * The server-to-client requests a client acts on when they arrive embedded. Anything else is a
 * shape the shim cannot judge as its legacy counterpart, so it is refused (unknown means deny).
 */
export const EMBEDDABLE_METHODS: ReadonlySet<string> = new Set([
  'sampling/createMessage',
  'elicitation/create',
  'roots/list',
]);

/**
 * Modern era: server-to-client requests travel inside a result as `inputRequests`
 * ({key: {method, params}}): an `input_required` result, or a 2026 task's `tasks/get` result.
 * Every one is judged like its legacy counterpart; the client sees them only when all pass.
 * Otherwise the original request fails with the reason (an `isError` result for `tools/call`),
 * because the shim cannot answer on the client's behalf.
 * Keys that pass are recorded for `round` (see roundOf): a later answer must name one of them.
 * Returns the replacement reply, or undefined when the requests may be relayed.
 */
export function judgeInputRequests(
  context: RelayContext,
  id: JsonRpcId,
  pendingMethod: string,
  requests: unknown,
  round: string,
): string | undefined {
  // The round's earlier keys are void from now on, whatever happens to these requests.
  const ledger = ledgerOf(context.session);
  ledger.inputRequested(round, new Map());
  if (requests === undefined) return undefined;
  if (!isJsonObject(requests)) {
    return refuse(context, id, pendingMethod, `\`inputRequests\` is not an object`);
  }
  const keys = new Map<string, string>();
  for (const [key, request] of Object.entries(requests)) {
    const method = isJsonObject(request) ? request.method : undefined;
    const params = isJsonObject(request) ? request.params : undefined;
    if (typeof method !== 'string' || !EMBEDDABLE_METHODS.has(method)) {
      const what = typeof method === 'string' ? `method ${JSON.stringify(method)}` : 'no method';
      return refuse(context, id, pendingMethod, `input request ${JSON.stringify(key)} has ${what}`);
    }
    if (params !== undefined && !isJsonObject(params)) {
      return refuse(
        context,
        id,
        pendingMethod,
        `input request ${JSON.stringify(key)} has params that are not an object`,
      );
    }
    const input = buildMessageInput(
      'to_client',
      { kind: 'request', id: key, method, params },
      context.session,
      context.inputContext,
    );
    const verdict = judge(context, input);
    if (!verdict.pass) {
      return refusedRequest(
        context.session,
        id,
        pendingMethod,
        `${method} denied: ${publicReason(verdict.decision)}`,
      );
    }
    keys.set(key, method);
  }
  // Only a wholly relayed set is answerable: a key judged before a denied one stays unknown.
  ledger.inputRequested(round, keys);
  return undefined;
}

function refuse(context: RelayContext, id: JsonRpcId, pendingMethod: string, why: string): string {
  const detail = `${why}; the shim relays only ${[...EMBEDDABLE_METHODS].join(', ')} input requests, each an object with a string \`method\` and object \`params\``;
  context.auditor.fault({
    direction: 'to_client',
    fault: 'embedded_request_refused',
    detail,
    action: 'denied',
  });
  return refusedRequest(
    context.session,
    id,
    pendingMethod,
    `Refused the server's embedded request: ${detail}`,
  );
}

/**
 * The client's pending request fails with `reason`: a tool's as an `isError` result the model
 * reads, others as a JSON-RPC error.
 */
export function refusedRequest(
  session: Session,
  id: JsonRpcId,
  pendingMethod: string,
  reason: string,
  code: number = ErrorCodes.invalidParams,
): string {
  if (pendingMethod !== 'tools/call') return errorReply(id, code, reason);
  return toolErrorReply(id, reason, session.era === 'modern');
}
