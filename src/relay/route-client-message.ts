import { errorReply } from '../messages/build-replies.js';
import {
  ErrorCodes,
  type ClassifiedMessage,
  type JsonObject,
  type JsonRpcId,
} from '../core/json-rpc.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import type { ClientLane, LaneItem } from './client-lane.js';
import { refuseDuplicateId } from './duplicate-id.js';
import { cancelWaitingCall } from './approval-gate.js';
import { namespaceAccess } from './namespace-access.js';
import { pinListingFor } from './refresh-catalog.js';
import type { RelayContext } from './relay-context.js';

export type Route =
  | { readonly kind: 'now'; readonly item: LaneItem }
  | { readonly kind: 'held' }
  /** Refused or dropped before judging; `reply` is the shim's answer, if any. */
  | { readonly kind: 'done'; readonly reply?: string };

/**
 * Decides, before judging, whether a message goes now or waits in the lane. A request whose id
 * is pending is refused here; a path-bearing request waits for the barriers before it (and a
 * barrier for the paths before it); everything behind a held message waits too, so requests keep
 * their order. The client's responses never wait: the server may need one to finish a barrier.
 */
export function routeClientMessage(
  context: RelayContext,
  lane: ClientLane,
  message: ClassifiedMessage,
  value: unknown,
  text: string | undefined,
): Route {
  const { session } = context;
  const item = (access: NamespaceAccess): LaneItem => ({ message, value, text, access });
  if (message.kind === 'request') {
    const { id, method, params } = message;
    if (session.isPendingToServer(id)) {
      return { kind: 'done', reply: refuseDuplicateId(context, 'to_server', id, method) };
    }
    const access = namespaceAccess(method, params, session.catalog, context.inputContext);
    if ((access === 'read' || access === 'write') && params?.task !== undefined) {
      return { kind: 'done', reply: refuseTaskOnPaths(context, id, method, params) };
    }
    // A tool call the session has no pin for yet waits, in order, for the shim's own listing.
    const listing = pinListingFor(context, method, params);
    if (listing === undefined && lane.admitsNow(access)) return { kind: 'now', item: item(access) };
    session.holdToServer(id, { method, params, access });
    const held = listing === undefined ? item(access) : { ...item(access), ready: listing.ready };
    lane.hold(held, text?.length ?? JSON.stringify(value).length);
    if (listing?.request !== undefined) void context.toServer.send(listing.request);
    return { kind: 'held' };
  }
  if (message.kind === 'notification') {
    const cancelled = cancelledRequestId(message);
    if (cancelled !== undefined && session.isPendingToServer(cancelled)) {
      return routeCancellation(context, lane, cancelled) ?? { kind: 'now', item: item('none') };
    }
    if (lane.holding) {
      lane.hold(item('none'), text?.length ?? JSON.stringify(value).length);
      return { kind: 'held' };
    }
  }
  return { kind: 'now', item: item('none') };
}

/**
 * A cancellation of a held request takes it out of the lane: it is never forwarded and, as
 * the client asked, never answered. A cancellation of a forwarded barrier or path-bearing read is
 * kept from the server: a server that honours it never answers, and only an answer tells the
 * shim the request is done with the tree (the client ignores the late answer, as the spec says).
 * Undefined: forward the cancellation as usual.
 */
function routeCancellation(
  context: RelayContext,
  lane: ClientLane,
  id: JsonRpcId,
): Route | undefined {
  const { session } = context;
  if (session.isHeldToServer(id) && cancelWaitingCall(context, id)) return { kind: 'done' };
  if (session.isHeldToServer(id) && lane.removeHeld(id)) {
    const request = session.dropHeldToServer(id);
    context.auditor.fault({
      direction: 'to_server',
      fault: 'cancelled_while_held',
      detail: `the client cancelled ${request?.method ?? 'a request'} id ${JSON.stringify(id)} while it waited behind a namespace barrier; it was never forwarded`,
      action: 'dropped',
    });
    return { kind: 'done' };
  }
  const access = session.peekToServer(id)?.access;
  if (access === 'read' || access === 'write') {
    session.cancelledByClient(id);
    context.auditor.fault({
      direction: 'to_server',
      fault: 'cancellation_withheld',
      detail: `the client cancelled id ${JSON.stringify(id)}, which touches the file namespace; the cancellation was not forwarded, so the server's answer still marks when it is done`,
      action: 'dropped',
    });
    return { kind: 'done' };
  }
  return undefined;
}

/**
 * A task-augmented request is answered at once (a task was created) and works on afterwards: its
 * answer no longer says when it is done with the file tree, so a path-bearing one could run
 * beside a barrier. Refused, with the fix, rather than let the barrier end too early.
 */
function refuseTaskOnPaths(
  context: RelayContext,
  id: JsonRpcId,
  method: string,
  params: JsonObject,
): string {
  const name = typeof params.name === 'string' ? ` ${params.name}` : '';
  const detail = `${method}${name} carries file paths and \`task\` augmentation`;
  context.auditor.fault({
    direction: 'to_server',
    fault: 'task_on_paths',
    detail,
    action: 'denied',
  });
  return errorReply(
    id,
    ErrorCodes.invalidParams,
    `Invalid params: ${detail}; the shim cannot tell when such a task has finished with the file tree, so it would judge later paths against a tree still changing. Call${name} without \`task\` (it was not forwarded).`,
  );
}

export function cancelledRequestId(message: {
  method: string;
  params: JsonObject | undefined;
}): JsonRpcId | undefined {
  if (message.method !== 'notifications/cancelled') return undefined;
  const requestId = message.params?.requestId;
  return typeof requestId === 'string' || typeof requestId === 'number' ? requestId : undefined;
}
