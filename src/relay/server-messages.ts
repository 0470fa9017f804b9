import type { OversizeFrame } from '../framing/frame-splitter.js';
import { errorReply } from '../messages/build-replies.js';
import { classifyMessage } from '../messages/classify-message.js';
import { ErrorCodes, type ClassifiedMessage } from '../core/json-rpc.js';
import { duplicateKeyDetail, parseFrame } from '../messages/parse-frame.js';
import { recoverFrameIds } from '../messages/recover-frame-id.js';
import { buildMessageInput } from '../input/build-input.js';
import { denyServerRequest } from './deny-reply.js';
import { refuseDuplicateId } from './duplicate-id.js';
import { judge } from './judge.js';
import { carryOut, DROP, foldBatch, FORWARD, settleRequest, type Outcome } from './outcome.js';
import type { LineSink, RelayContext } from './relay-context.js';
import { catalogRefreshRequest } from './refresh-catalog.js';
import { handleServerResponse } from './server-responses.js';
import { dropServerNotification, strayInServerRequest } from './stray-embedded.js';

export const LIST_CHANGED = 'notifications/tools/list_changed';

/** Lines on their way to the client, through sendToClient; one per context. */
const scrubbedSinks = new WeakMap<RelayContext, LineSink>();

function toClientScrubbed(context: RelayContext): LineSink {
  let sink = scrubbedSinks.get(context);
  if (sink === undefined) {
    sink = { send: (line) => sendToClient(context, line) };
    scrubbedSinks.set(context, sink);
  }
  return sink;
}

/** Server → client: one decoded line from the child's stdout (the frames the byte path could not pass). */
export async function relayServerLine(context: RelayContext, text: string): Promise<void> {
  const parsed = parseFrame(text, false);
  if (!parsed.ok) {
    // Never let non-protocol bytes reach the client's stdout.
    context.auditor.fault({
      direction: 'to_client',
      fault: parsed.fault,
      detail: parsed.detail,
      action: 'dropped',
    });
    context.logger.warn(
      // Scrubbed whole, then cut: a cut could leave part of a secret the scrub would not see.
      { detail: parsed.detail, head: context.secrets.scrub(text).slice(0, 200) },
      'dropped a server line that is not JSON',
    );
    return;
  }
  if (Array.isArray(parsed.value)) {
    await relayServerBatch(context, parsed.value as unknown[], text);
    return;
  }
  const outcome = handleServerMessage(context, classifyMessage(parsed.value), text);
  await carryOut(outcome, text, context.toServer, toClientScrubbed(context));
}

/** The server wrote a line too large to relay: drop it and fail the requests it answered. */
export async function refuseOversizeServerFrame(
  context: RelayContext,
  { bytes, head, tail }: OversizeFrame,
): Promise<void> {
  const limit = context.maxFrameBytesToClient;
  const detail =
    `server frame of at least ${bytes} bytes exceeds --max-frame-bytes-to-client=${limit}; ` +
    'raise the limit if the client reads larger frames';
  context.auditor.fault({
    direction: 'to_client',
    fault: 'oversize_frame',
    detail,
    action: 'dropped',
  });
  context.logger.warn({ bytes }, 'dropped an oversize server frame');
  for (const id of recoverFrameIds(head, tail)) {
    if (context.session.settleToServer(id) === undefined) continue;
    await context.toClient.send(
      errorReply(id, ErrorCodes.internalError, `Response dropped: ${detail}`),
    );
  }
}

async function relayServerBatch(
  context: RelayContext,
  elements: unknown[],
  text: string,
): Promise<void> {
  const duplicate = duplicateKeyDetail(text);
  if (duplicate !== undefined) {
    context.auditor.fault({
      direction: 'to_client',
      fault: 'duplicate_key',
      detail: `${duplicate} in a server batch`,
      action: 'dropped',
    });
    return;
  }
  const outcomes = elements.map((element) =>
    handleServerMessage(context, classifyMessage(element), undefined),
  );
  const { replies, onward } = foldBatch(elements, outcomes, text);
  // Each element's answer goes to the server as a line of its own.
  for (const reply of replies) await context.toServer.send(JSON.stringify(reply));
  if (onward !== undefined) await sendToClient(context, onward);
}

/** One server message's outcome. `text`: the frame's, when it was a whole frame (not a batch element). */
function handleServerMessage(
  context: RelayContext,
  message: ClassifiedMessage,
  text: string | undefined,
): Outcome {
  switch (message.kind) {
    case 'invalid':
      context.auditor.fault({
        direction: 'to_client',
        fault: 'invalid_message',
        detail: message.reason,
        action: 'dropped',
      });
      return DROP;
    case 'notification':
      if (dropServerNotification(context, message)) return DROP;
      if (message.method === LIST_CHANGED) {
        return { ...FORWARD, reply: catalogRefreshRequest(context) };
      }
      return FORWARD;
    case 'request':
      return handleServerRequest(context, message, text);
    case 'response':
    case 'error':
      return handleServerResponse(context, message);
  }
}

function handleServerRequest(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'request' }>,
  text: string | undefined,
): Outcome {
  const duplicate = text === undefined ? undefined : duplicateKeyDetail(text);
  if (duplicate !== undefined) {
    context.auditor.fault({
      direction: 'to_client',
      fault: 'duplicate_key',
      detail: duplicate,
      action: 'denied',
    });
    return {
      reply: errorReply(message.id, ErrorCodes.invalidRequest, `Invalid Request: ${duplicate}`),
    };
  }
  // Before judging: the audit must not say `forwarded` for a request that will not be.
  if (context.session.isPendingToClient(message.id)) {
    return { reply: refuseDuplicateId(context, 'to_client', message.id, message.method) };
  }
  const stray = strayInServerRequest(context, message);
  if (stray !== undefined) return { reply: stray };
  const input = buildMessageInput('to_client', message, context.session, context.inputContext);
  const verdict = judge(context, input);
  return settleRequest(
    verdict.pass ? undefined : verdict.decision,
    (decision) => denyServerRequest(message.id, message.method, decision),
    () => {
      context.session.forwardedToClient(message.id, {
        method: message.method,
        params: message.params,
      });
      return FORWARD;
    },
  );
}

/** Every line to the client passes here: secrets the server echoed never reach the model. */
async function sendToClient(context: RelayContext, line: string): Promise<void> {
  if (context.secrets.size > 0 && context.secrets.contains(line)) {
    context.auditor.fault({
      direction: 'to_client',
      fault: 'secret_in_output',
      detail: 'a server message echoed a secret value',
      action: 'redacted',
    });
    await context.toClient.send(context.secrets.scrub(line));
    return;
  }
  await context.toClient.send(line);
}
