import type { Readable, Writable } from 'node:stream';
import { FrameWriter } from '../framing/frame-writer.js';
import { decodeFrame, type Frame } from '../framing/frame-splitter.js';
import { pumpFrames } from '../framing/pump-frames.js';
import { errorReply } from '../messages/build-replies.js';
import { ErrorCodes } from '../core/json-rpc.js';
import { topLevelId } from '../messages/parse-frame.js';
import { ClientLane, type LaneItem } from './client-lane.js';
import { handleLaneItem, refuseOversizeClientFrame, relayClientLine } from './client-to-server.js';
import type { LineSink, RelayContext } from './relay-context.js';
import { failClosedToClient } from './fail-closed.js';
import { answerLostFrames } from './lost-frames.js';
import { relayServerFrames, type ByteSink } from './server-to-client.js';
import { PinListing } from './pin-listing.js';

export interface RelayEnds {
  readonly clientIn: Readable;
  readonly clientOut: Writable;
  readonly serverIn: Writable;
  readonly serverOut: Readable;
}

export interface Relay {
  /** Resolves when the client closed its end (stdin EOF). */
  readonly clientClosed: Promise<void>;
  /** Resolves when the server closed its stdout. */
  readonly serverClosed: Promise<void>;
  /** Answers every client request still waiting, e.g. after the server died; resolves with their number. */
  failPending(reason: string): Promise<number>;
  /** Flushes what is queued for the client. */
  finish(): Promise<void>;
}

function sinkFor(writer: FrameWriter): LineSink {
  return {
    send(line) {
      if (writer.write(line)) return undefined;
      // A closed destination drops the line: the caller's pending bookkeeping answers for it.
      return writer.drain().catch(() => undefined);
    },
  };
}

function byteSinkFor(writer: FrameWriter): ByteSink {
  return {
    send(bytes) {
      if (writer.writeBytes(bytes)) return undefined;
      return writer.drain().catch(() => undefined);
    },
  };
}

/** Wires both pipelines. Each frame is handled in order; a failure on one frame never stops the relay. */
export function startRelay(
  base: Omit<RelayContext, 'toClient' | 'toServer' | 'pinListing'>,
  ends: RelayEnds,
): Relay {
  const { auditor } = base;
  // Write-ahead with group commit: nothing reaches either peer before every audit record made so
  // far is written. When they cannot be, what both writers hold is dropped and answered for.
  const gate = (): void => {
    try {
      auditor.flushRecords();
    } catch (error) {
      const lost = { toServer: serverWriter.discardHeld(), toClient: clientWriter.discardHeld() };
      answerLostFrames(context, lost, error).catch((failure: unknown) => {
        context.logger.error({ err: failure }, 'answering for dropped messages failed');
      });
      throw error;
    }
  };
  const clientWriter = new FrameWriter(ends.clientOut, gate);
  const serverWriter = new FrameWriter(ends.serverIn, gate);
  /** Writes out what a writer holds; a refusal was handled by the gate. */
  const release = (writer: FrameWriter): void => {
    try {
      writer.uncork();
    } catch {
      // The gate dropped what was held and answers for it.
    }
  };
  const context: RelayContext = {
    ...base,
    toClient: sinkFor(clientWriter),
    toServer: sinkFor(serverWriter),
    ...(base.pins === undefined ? {} : { pinListing: new PinListing(base.pinListingTimeoutMs) }),
  };
  const toServerLimits = { maxFrameBytes: context.maxFrameBytesToServer };
  const toClientLimits = { maxFrameBytes: context.maxFrameBytesToClient };
  const lane = new ClientLane(context.session, (item) => relayHeldItem(context, item));
  // Tool calls that waited for the shim's own listing (pins) are judged once it ends.
  context.pinListing?.onSettled(() => {
    lane.wake();
  });

  const clientClosed = pumpFrames(ends.clientIn, toServerLimits, async (frames) => {
    // Group commit: the records of one read chunk are written in one write, then the requests it
    // forwards reach the server in one write (and the shim's answers the client in one).
    auditor.holdRecords();
    serverWriter.cork();
    clientWriter.cork();
    try {
      for (const raw of frames) {
        await relayClientFrame(context, lane, decodeFrame(raw));
        const room = lane.whenRoom();
        if (room !== undefined) {
          // Read no further until held requests leave; what is corked must reach the server first.
          release(serverWriter);
          release(clientWriter);
          await room;
          serverWriter.cork();
          clientWriter.cork();
        }
      }
    } finally {
      release(serverWriter);
      release(clientWriter);
      // Records of messages that did not move (dropped, answered already) are written now.
      try {
        gate();
      } catch {
        // Nothing they covered moved; the gate dropped what was held.
      }
      auditor.releaseRecords();
    }
  })
    .catch((error: unknown) => {
      // A broken client pipe ends the session like EOF does.
      context.logger.error({ err: error }, 'reading from the client failed');
    })
    // Calls the client sent before it closed, waiting for the shim's own listing, go on first.
    .then(() => lane.whenReadyWaitsDone());

  const bytesToClient = byteSinkFor(clientWriter);
  const serverClosed = pumpFrames(ends.serverOut, toClientLimits, async (frames) => {
    clientWriter.cork();
    try {
      await relayServerFrames(context, frames, bytesToClient);
    } finally {
      release(clientWriter);
    }
  }).catch((error: unknown) => {
    context.logger.error({ err: error }, 'reading from the server failed');
  });

  return {
    clientClosed,
    serverClosed,
    async failPending(reason) {
      // Held requests are answered too, and never forwarded: nothing is left waiting.
      lane.abandon();
      let failed = 0;
      for (const id of context.session.abandonToServer()) {
        failed += 1;
        await context.toClient.send(errorReply(id, ErrorCodes.internalError, reason));
      }
      return failed;
    },
    async finish() {
      await clientWriter.end();
    },
  };
}

/** One client frame; a failure never stops the relay. */
async function relayClientFrame(
  context: RelayContext,
  lane: ClientLane,
  frame: Frame,
): Promise<void> {
  try {
    if (frame.kind === 'line') await relayClientLine(context, lane, frame.text);
    else await refuseOversizeClientFrame(context, frame);
  } catch (error) {
    await failClosedToClient(
      context,
      frame.kind === 'line' ? topLevelId(frame.text) : null,
      error,
      'this message',
    );
  }
}

/** A message released from the lane (its barrier completed); a failure never stops the relay. */
async function relayHeldItem(context: RelayContext, item: LaneItem): Promise<void> {
  try {
    await handleLaneItem(context, item);
  } catch (error) {
    const id = item.message.kind === 'request' ? item.message.id : null;
    if (id !== null) context.session.dropHeldToServer(id);
    await failClosedToClient(context, id, error, 'this message').catch(() => undefined);
  }
}
