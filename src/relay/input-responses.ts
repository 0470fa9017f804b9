import { buildResponseInput } from '../input/build-input.js';
import { isJsonObject, type JsonObject, type JsonRpcId } from '../messages/json-rpc.js';
import type { Decision } from '../policy/decision.js';
import { judge } from './judge.js';
import { narrowRoots } from './narrow-roots.js';
import type { RelayContext } from './relay-context.js';

export type InputResponsesOutcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'rewrite'; readonly params: JsonObject }
  | { readonly kind: 'deny'; readonly decision: Decision };

/**
 * Modern era: a client retries a request with `params.inputResponses` ({key: result}) answering
 * the server's embedded `inputRequests`. Each answer is judged like its legacy response: a roots
 * answer is narrowed to the roots the policy allows; any other denied answer denies the retry.
 */
export function judgeInputResponses(
  context: RelayContext,
  id: JsonRpcId,
  params: JsonObject | undefined,
): InputResponsesOutcome {
  const responses = params?.inputResponses;
  if (!isJsonObject(responses)) return { kind: 'pass' };
  let narrowed: JsonObject | undefined;
  for (const [key, response] of Object.entries(responses)) {
    const method = context.session.inputRequestMethod(key);
    if (method === undefined || !isJsonObject(response)) continue;
    const input = buildResponseInput(method, id, response, context.session, context.inputContext);
    const verdict = judge(context, input);
    if (verdict.pass) continue;
    if (method !== 'roots/list') return { kind: 'deny', decision: verdict.decision };
    narrowed ??= { ...responses };
    narrowed[key] = narrowRoots(context, id, response);
  }
  return narrowed === undefined
    ? { kind: 'pass' }
    : { kind: 'rewrite', params: { ...params, inputResponses: narrowed } };
}
