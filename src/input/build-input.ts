import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import type { SessionView } from '../session/session.js';
import { assembleInput } from './assemble-input.js';
import { describeRequest, type PathSource } from './describe-request.js';
import { describeResponse } from './describe-response.js';
import type { InputContext } from './input-context.js';
import type { Direction, PolicyInput, ResolvedPath } from '../core/policy-input.js';
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
  );
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
