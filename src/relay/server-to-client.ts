import { isUtf8 } from 'node:buffer';
import type { BytesFrame, OversizeFrame, RawFrame } from '../framing/frame-splitter.js';
import { buildMessageInput } from '../input/build-input.js';
import { errorReply } from '../messages/build-replies.js';
import { classifyMessage } from '../messages/classify-message.js';
import { classifyScan } from '../messages/classify-scan.js';
import { findDuplicateKey } from '../messages/find-duplicate-key.js';
import { ErrorCodes, type ClassifiedMessage } from '../core/json-rpc.js';
import { parseFrame } from '../messages/parse-frame.js';
import { recoverFrameIds } from '../messages/recover-frame-id.js';
import { scanFrame } from '../messages/scan-frame.js';
import { denyServerRequest } from './deny-reply.js';
import { refuseDuplicateId } from './duplicate-id.js';
import { judge } from './judge.js';
import { UNCHANGED, type RelayContext } from './relay-context.js';
import { catalogRefreshRequest } from './refresh-catalog.js';
import { handleServerResponse, settleUnjudgedResponse } from './server-responses.js';
import {
  dropServerNotification,
  mayCarryEmbedded,
  strayInServerRequest,
} from './stray-embedded.js';

/** What one server message becomes: text for the client (undefined: drop) and/or a reply to the server. */
interface Outcome {
  readonly toClient?: unknown;
  readonly reply?: string;
}

/** Where frames the server wrote go to the client as they were read. */
export interface ByteSink {
  /** Whole frames, each ending in `\n`. Resolves once the sink can take more. */
  send(bytes: Buffer): Promise<void> | undefined;
}

const LIST_CHANGED = 'notifications/tools/list_changed';

/**
 * Server → client: the frames of one read chunk, in order. Frames that need no judgement (see
 * passesUnjudged) are forwarded as their original bytes, consecutive ones as one slice of the
 * chunk; every other frame takes the slow path, relayServerLine.
 */
export async function relayServerFrames(
  context: RelayContext,
  frames: readonly RawFrame[],
  bytesToClient: ByteSink,
): Promise<void> {
  let run: { source: Buffer; start: number; end: number } | undefined;
  const utf8 = utf8Sources(frames);
  for (const frame of frames) {
    try {
      if (
        frame.kind === 'bytes' &&
        frame.newlineFollows &&
        passesUnjudged(context, frame, utf8.has(frame.source))
      ) {
        if (run?.source === frame.source && run.end === frame.start) {
          run.end = frame.end + 1;
          continue;
        }
        if (run) await bytesToClient.send(run.source.subarray(run.start, run.end));
        run = { source: frame.source, start: frame.start, end: frame.end + 1 };
        continue;
      }
      // The run goes first: frames reach the client in the order the server wrote them.
      if (run) await bytesToClient.send(run.source.subarray(run.start, run.end));
      run = undefined;
      if (frame.kind === 'bytes') {
        await relayServerLine(context, frame.source.toString('utf8', frame.start, frame.end));
      } else {
        await refuseOversizeServerFrame(context, frame);
      }
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      context.auditor.fault({
        direction: 'to_client',
        fault: 'internal_error',
        detail,
        action: 'dropped',
      });
      context.logger.error({ err: error }, 'failed to relay a server frame; dropped it');
    }
  }
  if (run) await bytesToClient.send(run.source.subarray(run.start, run.end));
}

/**
 * The buffers whose frames are all valid UTF-8, checked once per buffer rather than per frame:
 * a range from a frame's start to a later frame's end is valid exactly when every frame in it is
 * (what lies between is "\n" or "\r", which are never part of a multi-byte character).
 */
function utf8Sources(frames: readonly RawFrame[]): Set<Buffer> {
  const ranges = new Map<Buffer, { start: number; end: number }>();
  for (const frame of frames) {
    if (frame.kind !== 'bytes') continue;
    const range = ranges.get(frame.source);
    if (range === undefined) ranges.set(frame.source, { start: frame.start, end: frame.end });
    else range.end = frame.end;
  }
  const valid = new Set<Buffer>();
  for (const [source, { start, end }] of ranges) {
    if (isUtf8(source.subarray(start, end))) valid.add(source);
  }
  return valid;
}

/**
 * True when relayServerLine would forward the frame's text unchanged with no judgement: a
 * notification (but a catalog change), or an answer whose pending request needs nothing more
 * (then its id is settled here). Anything the scanner is unsure of goes to the slow path.
 */
function passesUnjudged(context: RelayContext, frame: BytesFrame, checkedUtf8: boolean): boolean {
  if (mayCarryEmbedded(frame.source.subarray(frame.start, frame.end))) return false;
  const scan = scanFrame(frame.source, frame.start, frame.end, checkedUtf8);
  if (scan === undefined) return false;
  const message = classifyScan(scan);
  if (message.kind === 'other') return false;
  if (message.kind === 'notification' && message.method.isString(LIST_CHANGED)) return false;
  // Before settling: a frame carrying a secret is scrubbed and audited by the slow path.
  const { secrets } = context;
  if (secrets.size > 0 && secrets.containsBytes(frame.source.subarray(frame.start, frame.end))) {
    return false;
  }
  return message.kind === 'notification' || settleUnjudgedResponse(context, message);
}

/** Server → client: one line from the child's stdout. */
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
  if (outcome.reply !== undefined) await context.toServer.send(outcome.reply);
  if (outcome.toClient !== undefined) {
    await sendToClient(
      context,
      outcome.toClient === UNCHANGED ? text : JSON.stringify(outcome.toClient),
    );
  }
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
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    const detail = `duplicate key ${JSON.stringify(duplicate)} in a server batch`;
    context.auditor.fault({
      direction: 'to_client',
      fault: 'duplicate_key',
      detail,
      action: 'dropped',
    });
    return;
  }
  const out: unknown[] = [];
  let changed = false;
  for (const element of elements) {
    const outcome = handleServerMessage(context, classifyMessage(element), undefined);
    if (outcome.reply !== undefined) await context.toServer.send(outcome.reply);
    if (outcome.toClient === UNCHANGED) {
      out.push(element);
    } else {
      changed = true;
      if (outcome.toClient !== undefined) out.push(outcome.toClient);
    }
  }
  if (out.length > 0) await sendToClient(context, changed ? JSON.stringify(out) : text);
}

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
      return {};
    case 'notification':
      if (dropServerNotification(context, message)) return {};
      if (message.method === LIST_CHANGED) {
        return { toClient: UNCHANGED, reply: catalogRefreshRequest(context) };
      }
      return { toClient: UNCHANGED };
    case 'request': {
      if (text !== undefined) {
        const duplicate = findDuplicateKey(text);
        if (duplicate !== undefined) {
          const detail = `duplicate key ${JSON.stringify(duplicate)}`;
          context.auditor.fault({
            direction: 'to_client',
            fault: 'duplicate_key',
            detail,
            action: 'denied',
          });
          return {
            reply: errorReply(message.id, ErrorCodes.invalidRequest, `Invalid Request: ${detail}`),
          };
        }
      }
      // Before judging: the audit must not say `forwarded` for a request that will not be.
      if (context.session.isPendingToClient(message.id)) {
        return { reply: refuseDuplicateId(context, 'to_client', message.id, message.method) };
      }
      const stray = strayInServerRequest(context, message);
      if (stray !== undefined) return { reply: stray };
      const input = buildMessageInput('to_client', message, context.session, context.inputContext);
      const verdict = judge(context, input);
      if (!verdict.pass)
        return { reply: denyServerRequest(message.id, message.method, verdict.decision) };
      context.session.forwardedToClient(message.id, {
        method: message.method,
        params: message.params,
      });
      return { toClient: UNCHANGED };
    }
    case 'response':
    case 'error':
      return handleServerResponse(context, message);
  }
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
