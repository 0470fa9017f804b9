import { ErrorCodes } from '../core/json-rpc.js';
import { errorReply } from '../messages/build-replies.js';
import type { RelayContext } from './relay-context.js';

/**
 * Judging or auditing a client's message threw: fail closed. The message was not forwarded; it is
 * recorded as an `internal_error` fault, logged, and the client is told so rather than left
 * waiting. `what` names the message in the client's error ("this message", "this call after
 * approval").
 */
export async function failClosedToClient(
  context: RelayContext,
  id: string | number | null,
  error: unknown,
  what: string,
): Promise<void> {
  const detail = error instanceof Error ? error.message : String(error);
  context.auditor.fault({
    direction: 'to_server',
    fault: 'internal_error',
    detail,
    action: 'denied',
  });
  context.logger.error({ err: error }, `failed to judge ${what}; denied it`);
  await context.toClient.send(
    errorReply(
      id,
      ErrorCodes.internalError,
      `Internal error: the shim could not judge ${what}, so it was not forwarded.`,
    ),
  );
}
