import { isUtf8 } from 'node:buffer';
import type { BytesFrame, RawFrame } from '../framing/frame-splitter.js';
import { classifyScan } from '../messages/classify-scan.js';
import { scanFrame } from '../messages/scan-frame.js';
import type { RelayContext } from './relay-context.js';
import { LIST_CHANGED, refuseOversizeServerFrame, relayServerLine } from './server-messages.js';
import { settleUnjudgedResponse } from './server-responses.js';
import { mayCarryEmbedded } from './stray-embedded.js';

/** Where frames the server wrote go to the client as they were read. */
export interface ByteSink {
  /** Whole frames, each ending in `\n`. Resolves once the sink can take more. */
  send(bytes: Buffer): Promise<void> | undefined;
}

/**
 * Server → client, at the byte level: the frames of one read chunk, in order. Frames that need
 * no judgement (see passesUnjudged) are forwarded as their original bytes, consecutive ones as
 * one slice of the chunk; every other frame is decoded and takes the message path
 * (server-messages.ts).
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
