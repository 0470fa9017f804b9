import { ErrorCodes, type JsonRpcId } from '../core/json-rpc.js';
import { errorReply } from '../messages/build-replies.js';
import type { RelayContext } from './relay-context.js';

const NOT_RECORDED =
  'Internal error: the shim could not write the audit record of this message, so it was not forwarded.';

/**
 * A group of audit records could not be written (group commit: `Auditor.flushRecords`), so the
 * frames they covered, held by the writers, were dropped unsent. Fail closed without leaving
 * anyone waiting: each request is answered to its sender with an internal error (a client request
 * is no longer pending at the server), each answer to a request becomes an internal error to the
 * one who asked, notifications stay dropped. One `internal_error` fault and one log line say so.
 */
export async function answerLostFrames(
  context: RelayContext,
  lost: {
    readonly toServer: readonly (string | Buffer)[];
    readonly toClient: readonly (string | Buffer)[];
  },
  error: unknown,
): Promise<void> {
  const toServer = messagesOf(lost.toServer);
  const toClient = messagesOf(lost.toClient);
  if (toServer.length === 0 && toClient.length === 0) return;
  const detail = `${String(toServer.length)} message(s) to the server and ${String(toClient.length)} to the client dropped unsent: ${error instanceof Error ? error.message : String(error)}`;
  context.auditor.fault({
    direction: 'to_server',
    fault: 'internal_error',
    detail,
    action: 'denied',
  });
  context.logger.error(
    { err: error },
    'the audit log could not be written; dropped what it covered',
  );
  const { session } = context;
  const directions = [
    {
      messages: toServer,
      to: context.toServer,
      back: context.toClient,
      settle: (id: JsonRpcId) => session.settleToServer(id),
    },
    {
      messages: toClient,
      to: context.toClient,
      back: context.toServer,
      settle: (id: JsonRpcId) => session.settleToClient(id),
    },
  ];
  for (const { messages, to, back, settle } of directions) {
    for (const message of messages) {
      if (message.id === undefined) continue;
      // An answer to a request: the one who asked is told it failed. A request: its sender is.
      if (message.method !== undefined) settle(message.id);
      const recipient = message.method === undefined ? to : back;
      await recipient.send(errorReply(message.id, ErrorCodes.internalError, NOT_RECORDED));
    }
  }
}

interface LostMessage {
  readonly id?: JsonRpcId;
  readonly method?: string;
}

/** The messages in whole lines (batch elements one by one); a line that is not JSON is skipped. */
function messagesOf(chunks: readonly (string | Buffer)[]): LostMessage[] {
  const messages: LostMessage[] = [];
  for (const chunk of chunks) {
    for (const line of chunk.toString().split('\n')) {
      if (line === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        continue;
      }
      for (const element of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (typeof element !== 'object' || element === null) continue;
        const { id, method } = element as { id?: unknown; method?: unknown };
        messages.push({
          ...(typeof id === 'string' || typeof id === 'number' ? { id } : {}),
          ...(typeof method === 'string' ? { method } : {}),
        });
      }
    }
  }
  return messages;
}
