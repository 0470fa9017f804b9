import { errorReply } from '../messages/build-replies.js';
import { ErrorCodes, type JsonRpcId } from '../core/json-rpc.js';
import type { RelayContext } from './relay-context.js';

/**
 * A request whose id is already pending in its direction is refused, never forwarded: had it
 * replaced the pending entry, the first request's answer would be read as the second's (a
 * `tools/list` answered as a `ping` reaches the client unfiltered). Ids are compared as JSON.parse
 * reads them, as the receiving SDK does: `7`, `7.0` and `7e0` are one id.
 */
export function refuseDuplicateId(
  context: RelayContext,
  direction: 'to_server' | 'to_client',
  id: JsonRpcId,
  method: string,
): string {
  const sender = direction === 'to_server' ? 'client' : 'server';
  const detail = `${method} request with id ${JSON.stringify(id)}, which is already pending`;
  context.auditor.fault({ direction, fault: 'duplicate_id', detail, action: 'denied' });
  context.logger.warn({ id, method, direction }, 'refused a request whose id is already pending');
  return errorReply(
    id,
    ErrorCodes.invalidRequest,
    `Invalid Request: id ${JSON.stringify(id)} is already used by a pending request; the ${sender} must use a new id for each request until it is answered (the shim did not forward this ${method}).`,
  );
}
