import { buildListingInput } from '../input/build-input.js';
import { errorReply, resultReply, toolErrorReply } from '../messages/build-replies.js';
import { ErrorCodes, type JsonObject, type JsonRpcId } from '../core/json-rpc.js';
import type { Decision } from '../core/decision.js';
import { DEFAULT_DENY_MESSAGE } from '../policy/normalise-decision.js';
import { judgeListing } from './judge.js';
import type { RelayContext } from './relay-context.js';

const DEFAULT_MESSAGE = 'Denied by policy.';
const FAILED_CLOSED_MESSAGE = 'Denied: the policy could not be evaluated.';

/** The reason the client (and so the model) may see; internal messages stay in the audit. */
export function publicReason(decision: Decision): string {
  if (decision.message !== undefined && decision.message !== '') return decision.message;
  return decision.error === undefined ? DEFAULT_MESSAGE : FAILED_CLOSED_MESSAGE;
}

/**
 * The shim's own answer to a client request the policy denied.
 * A visible tool gets an `isError` result the model can read. A hidden one gets a JSON-RPC error
 * whose `message` carries the policy's reason (clients drop `data`), so the client learns why;
 * it is `Unknown tool`, like a tool that does not exist, only when the policy gave no message or
 * asked for secrecy (`conceal: true`). Other methods get a JSON-RPC error carrying the reason.
 */
export function denyClientRequest(
  context: RelayContext,
  id: JsonRpcId,
  method: string,
  params: JsonObject | undefined,
  decision: Decision,
): string {
  const reason = publicReason(decision);
  if (method === 'tools/call') {
    const name = typeof params?.name === 'string' ? params.name : '';
    if (!toolIsVisible(context, name))
      return errorReply(
        id,
        ErrorCodes.invalidParams,
        concealed(decision) ? `Unknown tool: ${name}` : reason,
      );
    return toolErrorReply(id, reason, context.session.era === 'modern');
  }
  if (decision.obligations?.method_disabled === true) {
    return errorReply(id, ErrorCodes.methodNotFound, `Method not found: ${method} (${reason})`);
  }
  return errorReply(id, ErrorCodes.invalidParams, reason);
}

/** The shim's answer to the server when the policy denied one of the server's requests. */
export function denyServerRequest(id: JsonRpcId, method: string, decision: Decision): string {
  // An elicitation the user never saw is, to the server, one the user declined.
  if (method === 'elicitation/create') return resultReply(id, { action: 'decline' });
  const reason = publicReason(decision);
  if (decision.obligations?.method_disabled === true) {
    return errorReply(id, ErrorCodes.methodNotFound, `Method not found: ${method} (${reason})`);
  }
  return errorReply(id, ErrorCodes.invalidParams, reason);
}

/** Secrecy is the policy's explicit choice, or all it gave: a denial without its own message. */
function concealed(decision: Decision): boolean {
  if (decision.conceal === true) return true;
  const message = decision.message;
  return (
    decision.error === undefined &&
    (message === undefined || message === '' || message === DEFAULT_DENY_MESSAGE)
  );
}

function toolIsVisible(context: RelayContext, name: string): boolean {
  const listed = context.session.catalog.get(name);
  const item: JsonObject = listed?.annotations
    ? { name, annotations: listed.annotations }
    : { name };
  return judgeListing(
    context,
    buildListingInput('tools/list', item, context.session, context.inputContext),
  ).allow;
}
