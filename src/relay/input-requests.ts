import { buildMessageInput } from '../input/build-input.js';
import { errorReply, toolErrorReply } from '../messages/build-replies.js';
import { ErrorCodes, isJsonObject, type JsonObject, type JsonRpcId } from '../messages/json-rpc.js';
import type { PendingRequest } from '../session/session.js';
import { publicReason } from './deny-reply.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';

/**
 * Modern era: server-to-client requests travel inside an `input_required` result as
 * `inputRequests` ({key: {method, params}}). Each is judged like its legacy counterpart.
 * If any is denied, the client never sees them: the original request fails with the reason
 * (an `isError` result for `tools/call`), because the shim cannot answer on the client's behalf.
 * Returns the replacement message, or undefined to forward the result unchanged.
 */
export function judgeInputRequests(
  context: RelayContext,
  id: JsonRpcId,
  pending: PendingRequest,
  result: JsonObject,
): unknown {
  const requests = result.inputRequests;
  if (!isJsonObject(requests)) return undefined;
  for (const [key, request] of Object.entries(requests)) {
    if (!isJsonObject(request) || typeof request.method !== 'string') continue;
    const params = isJsonObject(request.params) ? request.params : undefined;
    const input = buildMessageInput(
      'to_client',
      { kind: 'request', id: key, method: request.method, params },
      context.session,
      context.inputContext,
    );
    const verdict = judge(context, input);
    if (verdict.pass) {
      context.session.embeddedInputRequest(key, request.method);
      continue;
    }
    const reason = `${request.method} denied: ${publicReason(verdict.decision)}`;
    const reply =
      pending.method === 'tools/call'
        ? toolErrorReply(id, reason)
        : errorReply(id, ErrorCodes.invalidParams, reason);
    return JSON.parse(reply) as unknown;
  }
  return undefined;
}
