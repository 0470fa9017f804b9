import { buildResponseInput } from '../input/build-input.js';
import { isJsonObject, type JsonObject, type JsonRpcId } from '../core/json-rpc.js';
import type { Decision } from '../core/decision.js';
import { ledgerOf, roundOf } from '../session/task-ledger.js';
import { judge } from './judge.js';
import { narrowRoots } from './narrow-roots.js';
import type { RelayContext } from './relay-context.js';
import { judgeTaskOrigin, TASK_METHODS } from './task-results.js';

export type InputResponsesOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'rewrite'; readonly params: JsonObject }
  | { readonly kind: 'deny'; readonly decision: Decision };

const PASS = { kind: 'pass' } as const;

/**
 * What a client request refers back to, judged after the request itself passed:
 * - a task (`tasks/get`, `tasks/result`, `tasks/cancel`, `tasks/update`) must be one created
 *   through the shim, and delivering its result or input is judged again as the request that
 *   created it (the policy may have changed since);
 * - `params.inputResponses` ({key: result}) answer embedded `inputRequests` the shim relayed for
 *   this same round (the same method and target, or the same task). Each answer is judged like its
 *   legacy response: a roots answer is narrowed to the roots the policy allows; any other denied
 *   answer, or a key the shim never relayed (denied, unknown, or another request's), denies it.
 */
export function judgeInputResponses(
  context: RelayContext,
  id: JsonRpcId,
  method: string,
  params: JsonObject | undefined,
): InputResponsesOutcome {
  if (TASK_METHODS.has(method)) {
    const denied = judgeTaskReference(context, id, method, params);
    if (denied !== undefined) return { kind: 'deny', decision: denied };
  }
  if (params === undefined || !('inputResponses' in params)) return PASS;
  const responses = params.inputResponses;
  if (!isJsonObject(responses)) {
    return refuse(
      context,
      `\`inputResponses\` in ${method} is not an object; send {key: result} for the server's inputRequests`,
    );
  }
  const round = roundOf(method, params);
  const ledger = ledgerOf(context.session);
  let narrowed: JsonObject | undefined;
  for (const [key, response] of Object.entries(responses)) {
    const requested = ledger.inputRequestMethod(round, key);
    if (requested === undefined) {
      return refuse(
        context,
        `\`inputResponses\` key ${JSON.stringify(key)} answers no input request the shim relayed for this ${method}; answer only the keys of the latest \`inputRequests\` the server sent for it`,
      );
    }
    if (!isJsonObject(response)) {
      return refuse(
        context,
        `\`inputResponses\` key ${JSON.stringify(key)} is not a result object`,
      );
    }
    const input = buildResponseInput(
      requested,
      id,
      response,
      context.session,
      context.inputContext,
    );
    const verdict = judge(context, input);
    if (verdict.pass) continue;
    if (requested !== 'roots/list') return { kind: 'deny', decision: verdict.decision };
    narrowed ??= { ...responses };
    narrowed[key] = narrowRoots(context, id, response);
  }
  return narrowed === undefined
    ? PASS
    : { kind: 'rewrite', params: { ...params, inputResponses: narrowed } };
}

/** Cancelling is always allowed once the task is known; getting its result or feeding it input is re-judged. */
function judgeTaskReference(
  context: RelayContext,
  id: JsonRpcId,
  method: string,
  params: JsonObject | undefined,
): Decision | undefined {
  const taskId = params?.taskId;
  const origin = typeof taskId === 'string' ? ledgerOf(context.session).task(taskId) : undefined;
  if (origin === undefined) {
    return refusalDecision(
      context,
      `${method} names task ${JSON.stringify(taskId)}, which no request relayed by the shim created; the shim relays requests only about tasks it saw created (a denied call never creates one)`,
    );
  }
  if (method !== 'tasks/result' && method !== 'tasks/update') return undefined;
  return judgeTaskOrigin(context, id, origin);
}

function refuse(context: RelayContext, why: string): InputResponsesOutcome {
  return { kind: 'deny', decision: refusalDecision(context, why) };
}

function refusalDecision(context: RelayContext, why: string): Decision {
  context.auditor.fault({
    direction: 'to_server',
    fault: 'embedded_answer_refused',
    detail: why,
    action: 'denied',
  });
  return { allow: false, reasons: [why], message: `Denied: ${why}.` };
}
