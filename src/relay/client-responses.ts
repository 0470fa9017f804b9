import { buildResponseInput } from '../input/build-input.js';
import { ErrorCodes, type ClassifiedMessage } from '../core/json-rpc.js';
import { publicReason } from './deny-reply.js';
import { judge } from './judge.js';
import { narrowRoots } from './narrow-roots.js';
import type { RelayContext } from './relay-context.js';
import { answeredMethod, recordClientTask } from './task-results.js';

/**
 * What one client message turns into: `forward` the original text, or `rewritten` instead of it;
 * `reply` is the shim's own answer to the client.
 */
export interface ClientOutcome {
  readonly forward: boolean;
  readonly rewritten?: unknown;
  readonly reply?: string;
}

/**
 * Client → server responses answer requests the server sent (sampling, elicitation, roots).
 * They are judged too: a roots answer is narrowed to the roots the policy allows, so a client
 * advertising wider roots cannot widen what the server may touch.
 */
export function judgeClientResponse(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): ClientOutcome {
  if (message.id === null) return { forward: false };
  const pending = context.session.settleToClient(message.id);
  if (pending === undefined) {
    const detail = `response to id ${JSON.stringify(message.id)}, which the server never sent (or the shim answered)`;
    context.auditor.fault({
      direction: 'to_server',
      fault: 'unexpected_response',
      detail,
      action: 'dropped',
    });
    return { forward: false };
  }
  if (message.kind === 'error') return { forward: true };
  const method = answeredMethod(context, pending);
  if (method === undefined) {
    const detail = `the client answered tasks/result for task ${JSON.stringify(pending.params?.taskId)}, which it never created in answer to a server request the shim relayed`;
    context.auditor.fault({
      direction: 'to_server',
      fault: 'unknown_task',
      detail,
      action: 'denied',
    });
    return {
      forward: true,
      rewritten: {
        jsonrpc: '2.0',
        id: message.id,
        error: { code: ErrorCodes.invalidParams, message: detail },
      },
    };
  }
  recordClientTask(context, pending, message.result);

  const input = buildResponseInput(
    method,
    message.id,
    message.result,
    context.session,
    context.inputContext,
  );
  const verdict = judge(context, input);
  if (verdict.pass) return { forward: true };
  if (method === 'roots/list')
    return {
      forward: true,
      rewritten: {
        jsonrpc: '2.0',
        id: message.id,
        result: narrowRoots(context, message.id, message.result),
      },
    };
  return {
    forward: true,
    rewritten: {
      jsonrpc: '2.0',
      id: message.id,
      error: { code: ErrorCodes.invalidParams, message: publicReason(verdict.decision) },
    },
  };
}
