import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import type { SessionView } from '../session/session.js';
import { assembleInput } from './assemble-input.js';
import { describeRequest, type PathSource } from './describe-request.js';
import { describeResponse } from './describe-response.js';
import type { InputContext } from './input-context.js';
import type { Direction, Operation, PolicyInput, ResolvedPath } from '../core/policy-input.js';
import { argumentsDigest, NOT_GRANTED, peekApprovalLedger } from '../state/approval-ledger.js';
import { projectArguments } from './project-arguments.js';
import { resolveArgumentPaths, resolveSubscriptionPaths, resolveUriPath } from './resolve-paths.js';

export { buildListingInput } from './build-listing-input.js';

export interface RequestLike {
  readonly kind: 'request' | 'notification';
  readonly id?: JsonRpcId | undefined;
  readonly method: string;
  readonly params: JsonObject | undefined;
}

/** A request or notification in either direction (to_server: from the client; to_client: from the server). */
export function buildMessageInput(
  direction: Direction,
  message: RequestLike,
  session: SessionView,
  context: InputContext,
): PolicyInput {
  const described = describeRequest(message.method, message.params, session.catalog);
  const projected = projectArguments(described.argumentsFrom, described.drop);
  const paths = findPaths(described.paths, described.argumentsFrom, message.params, context);
  return assembleInput(
    { direction, kind: message.kind, method: message.method, id: message.id },
    described.operation,
    projected,
    paths,
    session,
    context,
    approvalOf(direction, message, described.operation, session),
  );
}

/**
 * `input.approval` for a client's tool call: what the session's ledger says about this tool and
 * these exact arguments. A session in which no one approved anything never hashes arguments.
 */
function approvalOf(
  direction: Direction,
  message: RequestLike,
  operation: Operation,
  session: SessionView,
): PolicyInput['approval'] {
  const ledger = peekApprovalLedger(session);
  if (ledger === undefined || direction !== 'to_server' || message.kind !== 'request') {
    return NOT_GRANTED;
  }
  if (operation.type !== 'tool' || operation.name === undefined) return NOT_GRANTED;
  return ledger.view(operation.name, argumentsDigest(message.params?.arguments ?? {}));
}

/** A client's response to a server request (e.g. the roots/list answer): operation from the pending method. */
export function buildResponseInput(
  pendingMethod: string,
  id: JsonRpcId,
  result: JsonObject,
  session: SessionView,
  context: InputContext,
): PolicyInput {
  const described = describeResponse(pendingMethod, result, context);
  return assembleInput(
    { direction: 'to_server', kind: 'response', method: pendingMethod, id },
    described.operation,
    projectArguments(described.argumentsFrom, described.drop),
    described.paths,
    session,
    context,
  );
}

function findPaths(
  source: PathSource,
  args: JsonObject | undefined,
  params: JsonObject | undefined,
  context: InputContext,
): ResolvedPath[] {
  switch (source) {
    case 'arguments':
      return resolveArgumentPaths(args, context);
    case 'uri':
      return resolveUriPath('/uri', params?.uri, context);
    case 'subscriptions':
      return resolveSubscriptionPaths(params, context);
    case 'none':
      return [];
  }
}
