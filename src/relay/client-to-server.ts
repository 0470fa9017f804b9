import { buildMessageInput } from '../input/build-input.js';
import { errorReply } from '../messages/build-replies.js';
import { classifyMessage } from '../messages/classify-message.js';
import {
  ErrorCodes,
  type ClassifiedMessage,
  type JsonObject,
  type JsonRpcId,
} from '../messages/json-rpc.js';
import { parseFrame, recoverId, topLevelId } from '../messages/parse-frame.js';
import { denyClientRequest } from './deny-reply.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';
import { judgeClientResponse, type ClientOutcome } from './client-responses.js';
import { judgeInputResponses } from './input-responses.js';

type Outcome = ClientOutcome;

const DROP: Outcome = { forward: false };
const PASS: Outcome = { forward: true };

/** Client → server: one line from the client's stdin. */
export async function relayClientLine(context: RelayContext, text: string): Promise<void> {
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
    await relayClientBatch(context, parsed.value as unknown[], text);
    return;
  }
  const outcome = handleClientMessage(context, classifyMessage(parsed.value));
  if (outcome.reply !== undefined) await context.toClient.send(outcome.reply);
  if (outcome.forward) {
    await context.toServer.send(
      outcome.rewritten === undefined ? text : JSON.stringify(outcome.rewritten),
    );
  }
}

/** The client sent a frame too large to read: answer it without ever buffering it. */
export async function refuseOversizeClientFrame(
  context: RelayContext,
  bytes: number,
  head: string,
): Promise<void> {
  const detail = `frame of at least ${bytes} bytes exceeds --max-frame-bytes=${context.maxFrameBytes}`;
  context.auditor.fault({
    direction: 'to_server',
    fault: 'oversize_frame',
    detail,
    action: 'denied',
  });
  context.logger.warn({ bytes }, 'refused an oversize client frame');
  await context.toClient.send(
    errorReply(recoverId(head), ErrorCodes.invalidRequest, `Invalid Request: ${detail}`),
  );
}

async function relayClientBatch(
  context: RelayContext,
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
    const outcome = handleClientMessage(context, classifyMessage(element));
    if (outcome.reply !== undefined) replies.push(JSON.parse(outcome.reply));
    if (outcome.forward) forwarded.push(outcome.rewritten ?? element);
    if (!outcome.forward || outcome.rewritten !== undefined) changed = true;
  }
  if (replies.length > 0) await context.toClient.send(JSON.stringify(replies));
  if (forwarded.length === 0) return;
  // Keep the array shape; when elements were removed, forward exactly the judged values.
  await context.toServer.send(changed ? JSON.stringify(forwarded) : text);
}

function handleClientMessage(context: RelayContext, message: ClassifiedMessage): Outcome {
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
      return handleClientRequest(context, message);
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
): Outcome {
  const { session } = context;
  const { id, method, params } = message;
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
  session.forwardedToServer(id, { method, params });
  if (answers?.kind === 'rewrite') {
    return { forward: true, rewritten: { jsonrpc: '2.0', id, method, params: answers.params } };
  }
  return PASS;
}

function cancelledRequestId(message: {
  method: string;
  params: JsonObject | undefined;
}): JsonRpcId | undefined {
  if (message.method !== 'notifications/cancelled') return undefined;
  const requestId = message.params?.requestId;
  return typeof requestId === 'string' || typeof requestId === 'number' ? requestId : undefined;
}
