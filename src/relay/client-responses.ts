import { buildResponseInput } from '../input/build-input.js';
import { ErrorCodes, type ClassifiedMessage } from '../core/json-rpc.js';
import { publicReason } from './deny-reply.js';
import { judge } from './judge.js';
import { answerApproval } from './approval-gate.js';
import { isShimApprovalId } from './approval-prompt.js';
import { DROP, FORWARD, type Outcome } from './outcome.js';
import { narrowRoots } from './narrow-roots.js';
import type { RelayContext } from './relay-context.js';
import { answeredMethod, recordClientTask } from './task-results.js';

/**
 * Client → server responses answer requests the server sent (sampling, elicitation, roots).
 * They are judged too: a roots answer is narrowed to the roots the policy allows, so a client
 * advertising wider roots cannot widen what the server may touch.
 */
export function judgeClientResponse(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): Outcome {
  if (message.id === null) return DROP;
  // The shim's own approval questions: answered to the shim, never to the server.
  if (isShimApprovalId(message.id) && !context.session.isPendingToClient(message.id)) {
    return answerApproval(context, message);
  }
  const pending = context.session.settleToClient(message.id);
  if (pending === undefined) {
    const detail = `response to id ${JSON.stringify(message.id)}, which the server never sent (or the shim answered)`;
    context.auditor.fault({
      direction: 'to_server',
      fault: 'unexpected_response',
      detail,
      action: 'dropped',
    });
    return DROP;
  }
  if (message.kind === 'error') return FORWARD;
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
      onward: {
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
  if (verdict.pass) return FORWARD;
  if (method === 'roots/list')
    return {
      onward: {
        jsonrpc: '2.0',
        id: message.id,
        result: narrowRoots(context, message.id, message.result),
      },
    };
  return {
    onward: {
      jsonrpc: '2.0',
      id: message.id,
      error: { code: ErrorCodes.invalidParams, message: publicReason(verdict.decision) },
    },
  };
}
