import { buildListingInput } from '../input/build-input.js';
import type { JsonObject } from '../core/json-rpc.js';
import type { PendingRequest } from '../session/session.js';
import { judgeListing } from './judge.js';
import type { RelayContext } from './relay-context.js';

/** The array each paginated list method returns its items in. */
export const LIST_ITEMS: Readonly<Record<string, string>> = {
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
};

/**
 * Filters one page of a list result: items the policy forbids outright are not advertised.
 * Returns the new result, or undefined when nothing was removed (the original text is forwarded).
 * `nextCursor` and every other field stay as the server sent them.
 */
export function filterListResult(
  context: RelayContext,
  request: PendingRequest,
  result: JsonObject,
): JsonObject | undefined {
  const key = LIST_ITEMS[request.method];
  if (key === undefined) return undefined;
  const items = result[key];
  if (!Array.isArray(items)) return undefined;
  const isTools = request.method === 'tools/list';

  const kept: unknown[] = [];
  for (const item of items as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as JsonObject;
    if (isTools) context.session.catalog.observe(entry);
    const input = buildListingInput(request.method, entry, context.session, context.inputContext);
    const started = performance.now();
    const decision = judgeListing(context, input);
    if (decision.allow) {
      kept.push(item);
      continue;
    }
    // Only hidden items are recorded: a 1,000-tool list would otherwise write 1,000 records.
    const evalMicros = (performance.now() - started) * 1000;
    context.auditor.record({
      input,
      decision,
      action: context.monitor ? 'monitored' : 'filtered',
      evalMicros,
    });
    if (context.monitor) kept.push(item);
  }
  return kept.length === items.length ? undefined : { ...result, [key]: kept };
}
