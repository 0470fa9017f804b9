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
import { judgeClientResponse, type ClientOutcome } from './client-responses.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import { judgeInputResponses } from './input-responses.js';
import { cancelledRequestId, routeClientMessage } from './route-client-message.js';

type Outcome = ClientOutcome;

const DROP: Outcome = { forward: false };
const PASS: Outcome = { forward: true };

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
  if (route.kind === 'done') {
    if (route.reply !== undefined) await context.toClient.send(route.reply);
    return;
  }
  if (route.kind === 'now') await handleLaneItem(context, route.item);
}

/** Judges one message now (it was never held, or its barrier completed) and sends what follows. */
export async function handleLaneItem(context: RelayContext, item: LaneItem): Promise<void> {
  const outcome = handleClientMessage(context, item.message, item.access);
  if (outcome.reply !== undefined) await context.toClient.send(outcome.reply);
  if (outcome.forward) {
    await context.toServer.send(
      outcome.rewritten === undefined
        ? (item.text ?? JSON.stringify(item.value))
        : JSON.stringify(outcome.rewritten),
    );
  }
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
  const forwarded: unknown[] = [];
  const replies: unknown[] = [];
  let changed = false;
  for (const element of elements) {
    // Each element is routed like a frame: one held behind a barrier is forwarded on its own later.
    const route = routeClientMessage(context, lane, classifyMessage(element), element, undefined);
    if (route.kind !== 'now') {
      if (route.kind === 'done' && route.reply !== undefined) replies.push(JSON.parse(route.reply));
      changed = true;
      continue;
    }
    const outcome = handleClientMessage(context, route.item.message, route.item.access);
    if (outcome.reply !== undefined) replies.push(JSON.parse(outcome.reply));
    if (outcome.forward) forwarded.push(outcome.rewritten ?? element);
    if (!outcome.forward || outcome.rewritten !== undefined) changed = true;
  }
  if (replies.length > 0) await context.toClient.send(JSON.stringify(replies));
  if (forwarded.length === 0) return;
  // Keep the array shape; when elements were removed, forward exactly the judged values.
  await context.toServer.send(changed ? JSON.stringify(forwarded) : text);
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
      return {
        forward: false,
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
      return PASS;
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
    return { forward: false, reply: refuseDuplicateId(context, 'to_server', id, method) };
  }
  if (method === 'initialize') session.observeInitialize(params);
  else session.observeRequestMeta(params);
  const verdict = judge(
    context,
    buildMessageInput('to_server', message, session, context.inputContext),
  );
  const answers = verdict.pass ? judgeInputResponses(context, id, method, params) : undefined;
  const denial = !verdict.pass
    ? verdict.decision
    : answers?.kind === 'deny'
      ? answers.decision
      : undefined;
  if (denial !== undefined) {
    session.deniedByShim(id);
    return { forward: false, reply: denyClientRequest(context, id, method, params, denial) };
  }
  session.forwardedToServer(id, { method, params, access });
  if (answers?.kind === 'rewrite') {
    return { forward: true, rewritten: { jsonrpc: '2.0', id, method, params: answers.params } };
  }
  return PASS;
}
