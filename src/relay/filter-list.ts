import { buildListingInput } from '../input/build-input.js';
import type { JsonObject } from '../core/json-rpc.js';
import type { PendingRequest } from '../session/session.js';
import { checkToolPins } from './check-pins.js';
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
 * `nextCursor`, `ttlMs` and every other field stay as the server sent them, but a `cacheScope` of
 * `public` becomes `private`: the list was judged for this principal.
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
  const complete = typeof result.nextCursor !== 'string';
  const pins = isTools ? checkToolPins(context, items as unknown[], complete) : undefined;

  const kept: unknown[] = [];
  for (const [index, item] of (items as unknown[]).entries()) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as JsonObject;
    const pin = pins?.[index];
    if (isTools) context.session.catalog.observe(entry, pin);
    const { session, inputContext } = context;
    const input = buildListingInput(request.method, entry, session, inputContext, pin);
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
  // 2026-07-28 cache hints: what this principal may see must not be served to another.
  const shared = result.cacheScope === 'public';
  if (kept.length === items.length && !shared) return undefined;
  return { ...result, [key]: kept, ...(shared ? { cacheScope: 'private' } : {}) };
}
