import { buildResponseInput } from '../input/build-input.js';
import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import { judgeListing } from './judge.js';
import type { RelayContext } from './relay-context.js';

/**
 * A roots answer the policy denied, narrowed to the roots it allows one by one, so a client
 * advertising wider roots cannot widen what the server may touch.
 */
export function narrowRoots(context: RelayContext, id: JsonRpcId, answer: JsonObject): JsonObject {
  const roots = Array.isArray(answer.roots) ? (answer.roots as unknown[]) : [];
  const kept = roots.filter((root) => {
    const single = { ...answer, roots: [root] };
    const input = buildResponseInput(
      'roots/list',
      id,
      single,
      context.session,
      context.inputContext,
    );
    return judgeListing(context, input).allow;
  });
  context.logger.info({ offered: roots.length, kept: kept.length }, 'narrowed the client roots');
  return { ...answer, roots: kept };
}
