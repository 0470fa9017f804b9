import { buildMessageInput } from '../input/build-input.js';
import { errorReply } from '../messages/build-replies.js';
import { classifyMessage } from '../messages/classify-message.js';
import { ErrorCodes, type ClassifiedMessage } from '../core/json-rpc.js';
import type { OversizeFrame } from '../framing/frame-splitter.js';
import { parseFrame, topLevelId } from '../messages/parse-frame.js';
import { recoverFrameId } from '../messages/recover-frame-id.js';
import type { ClientLane, LaneItem } from './client-lane.js';
import { denyClientRequest } from './deny-reply.js';
import { refuseDuplicateId } from './duplicate-id.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';
import { judgeClientResponse } from './client-responses.js';
import { refuseUncheckedTool } from './check-pins.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import { judgeInputResponses } from './input-responses.js';
import { argumentsDigest } from '../state/approval-ledger.js';
import { askForApproval, wantsApproval } from './approval-desk.js';
import { refuseMalformedApprovalAnswer } from './approval-gate.js';
import { isShimApprovalId } from './approval-prompt.js';
import { takeApprovalResponses } from './approval-keys.js';
import { useApproval } from './approval-release.js';
import { carryOut, DROP, foldBatch, FORWARD, settleRequest, type Outcome } from './outcome.js';
import { cancelledRequestId, routeClientMessage, type Route } from './route-client-message.js';

/** Client → server: one line from the client's stdin. */
export async function relayClientLine(
  context: RelayContext,
  lane: ClientLane,
  text: string,
): Promise<void> {
  const parsed = parseFrame(text, true);
  if (!parsed.ok) {
    context.auditor.fault({
      direction: 'to_server',
      fault: parsed.fault,
      detail: parsed.detail,
      action: 'denied',
    });
    context.logger.warn({ fault: parsed.fault, detail: parsed.detail }, 'refused a client frame');
    const reply =
      parsed.fault === 'parse_error'
        ? errorReply(null, ErrorCodes.parseError, `Parse error: ${parsed.detail}`)
        : errorReply(
            topLevelId(text),
            ErrorCodes.invalidRequest,
            `Invalid Request: ${parsed.detail}`,
          );
    await context.toClient.send(reply);
    return;
  }
  if (Array.isArray(parsed.value)) {
    await relayClientBatch(context, lane, parsed.value as unknown[], text);
    return;
  }
  const route = routeClientMessage(
    context,
    lane,
    classifyMessage(parsed.value),
    parsed.value,
    text,
  );
  if (route.kind === 'now') await handleLaneItem(context, route.item);
  else await carryOut(routedOutcome(route), text, context.toClient, context.toServer);
}

/** A route that ends before judging, as an outcome: not forwarded (now), perhaps answered. */
function routedOutcome(route: Exclude<Route, { kind: 'now' }>): Outcome {
  return route.kind === 'done' && route.reply !== undefined ? { reply: route.reply } : DROP;
}

/** Judges one message now (it was never held, or its barrier completed) and sends what follows. */
export async function handleLaneItem(context: RelayContext, item: LaneItem): Promise<void> {
  const outcome = handleClientMessage(context, item.message, item.access);
  const text = item.text ?? JSON.stringify(item.value);
  await carryOut(outcome, text, context.toClient, context.toServer);
}

/** The client sent a frame too large to read: answer it without ever buffering it. */
export async function refuseOversizeClientFrame(
  context: RelayContext,
  { bytes, head, tail }: OversizeFrame,
): Promise<void> {
  const limit = context.maxFrameBytesToServer;
  const detail =
    `frame of at least ${bytes} bytes exceeds --max-frame-bytes-to-server=${limit}, ` +
    'the largest frame the server is known to read; it was not forwarded. ' +
    'Send less per message, or raise the limit if the server reads larger frames.';
  context.auditor.fault({
    direction: 'to_server',
    fault: 'oversize_frame',
    detail,
    action: 'denied',
  });
  context.logger.warn({ bytes }, 'refused an oversize client frame');
  await context.toClient.send(
    errorReply(recoverFrameId(head, tail), ErrorCodes.invalidRequest, `Invalid Request: ${detail}`),
  );
}

async function relayClientBatch(
  context: RelayContext,
  lane: ClientLane,
  elements: unknown[],
  text: string,
): Promise<void> {
  if (elements.length === 0 || !context.session.batchesAllowed) {
    const why =
      elements.length === 0
        ? 'empty batch'
        : `batches are not supported in protocol version ${context.session.protocolVersion ?? '(none negotiated)'}`;
    context.auditor.fault({
      direction: 'to_server',
      fault: 'batch_refused',
      detail: why,
      action: 'denied',
    });
    await context.toClient.send(
      errorReply(null, ErrorCodes.invalidRequest, `Invalid Request: ${why}`),
    );
    return;
  }
  const outcomes = elements.map((element) => {
    // Each element is routed like a frame: one held behind a barrier is forwarded on its own later.
    const route = routeClientMessage(context, lane, classifyMessage(element), element, undefined);
    if (route.kind !== 'now') return routedOutcome(route);
    return handleClientMessage(context, route.item.message, route.item.access);
  });
  // Keep the array shape; when elements were removed, forward exactly the judged values.
  const { replies, onward } = foldBatch(elements, outcomes, text);
  if (replies.length > 0) await context.toClient.send(JSON.stringify(replies));
  if (onward !== undefined) await context.toServer.send(onward);
}

function handleClientMessage(
  context: RelayContext,
  message: ClassifiedMessage,
  access: NamespaceAccess,
): Outcome {
  const { session } = context;
  switch (message.kind) {
    case 'invalid': {
      context.auditor.fault({
        direction: 'to_server',
        fault: 'invalid_message',
        detail: message.reason,
        action: 'denied',
      });
      // A broken answer to the shim's own approval request: the call it asked about is denied now.
      if (isShimApprovalId(message.id))
        refuseMalformedApprovalAnswer(context, message.id, message.reason);
      return {
        reply: errorReply(
          message.id,
          ErrorCodes.invalidRequest,
          `Invalid Request: ${message.reason}`,
        ),
      };
    }
    case 'request':
      return handleClientRequest(context, message, access);
    case 'notification': {
      const cancelled = cancelledRequestId(message);
      // The server never saw a request the shim denied; its cancellation would only confuse it.
      if (cancelled !== undefined && session.wasDenied(cancelled)) return DROP;
      const verdict = judge(
        context,
        buildMessageInput('to_server', message, session, context.inputContext),
      );
      if (!verdict.pass) return DROP;
      if (cancelled !== undefined) session.cancelledByClient(cancelled);
      return FORWARD;
    }
    case 'response':
    case 'error':
      return judgeClientResponse(context, message);
  }
}

function handleClientRequest(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'request' }>,
  access: NamespaceAccess,
): Outcome {
  const { session } = context;
  const { id, method, params } = message;
  // Routing refused a pending id already; this holds the line should a caller skip routing.
  if (session.peekToServer(id) !== undefined) {
    return { reply: refuseDuplicateId(context, 'to_server', id, method) };
  }
  if (method === 'initialize') session.observeInitialize(params);
  else session.observeRequestMeta(params);
  // 2026-07-28: a retry may bring a human's answer to the shim's own approval question.
  const approval = takeApprovalResponses(context, method, params);
  if (approval.kind === 'deny') {
    session.deniedByShim(id);
    return { reply: denyClientRequest(context, id, method, params, approval.decision) };
  }
  const judged = approval.kind === 'granted' ? { ...message, params: approval.params } : message;
  // With pins, a tool call is judged with its pin or not at all.
  const unchecked = method === 'tools/call' ? refuseUncheckedTool(context, id, params) : undefined;
  if (unchecked !== undefined) return { reply: unchecked };
  const input = buildMessageInput('to_server', judged, session, context.inputContext);
  const verdict = judge(context, input);
  if (!verdict.pass && judged.params !== undefined && wantsApproval(method, verdict.decision)) {
    if (approval.kind === 'granted') approval.spend();
    return askForApproval(context, id, judged.params, access, verdict.decision);
  }
  const answers = verdict.pass
    ? judgeInputResponses(context, id, method, judged.params)
    : undefined;
  const denial = !verdict.pass
    ? verdict.decision
    : answers?.kind === 'deny'
      ? answers.decision
      : undefined;
  return settleRequest(
    denial,
    (decision) => {
      session.deniedByShim(id);
      // An approve-once is for this call: denied after all (a reloaded policy), it is spent.
      if (approval.kind === 'granted') approval.spend();
      return denyClientRequest(context, id, method, params, decision);
    },
    () => {
      session.forwardedToServer(id, { method, params: judged.params, access });
      if (input.approval.scope === 'once' && input.operation.name !== undefined) {
        const digest = argumentsDigest(judged.params?.arguments ?? {});
        useApproval(context, 'once', input.operation.name, digest);
      }
      if (answers?.kind === 'rewrite') {
        return { onward: { jsonrpc: '2.0', id, method, params: answers.params } };
      }
      return approval.kind === 'granted'
        ? { onward: { jsonrpc: '2.0', id, method, params: judged.params } }
        : FORWARD;
    },
  );
}
