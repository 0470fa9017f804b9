import { randomBytes } from 'node:crypto';
import type { ClassifiedMessage, JsonObject } from '../core/json-rpc.js';
import {
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_PROTOCOL_VERSION,
} from '../session/session.js';
import { checkToolPins } from './check-pins.js';
import type { RelayContext } from './relay-context.js';

let sequence = 0;
/**
 * The shim's own ids carry a per-process random part, so a client cannot pick one in advance; the
 * session refuses a second entry for a pending id anyway, so no id can be shared either way.
 */
const ID_PREFIX = `mcp-opa-shim:catalog:${randomBytes(9).toString('base64url')}:`;

/**
 * The shim's own `tools/list` request: sent when the server says its tools changed, so that
 * annotations, `listed` and pins in the policy input stay current even if the client never
 * re-lists, and before a tool call when this session has seen no complete listing (PinListing).
 * Its answer is consumed by the shim (see server-responses) and never reaches the client.
 */
export function catalogRefreshRequest(context: RelayContext, cursor?: string): string {
  const { session } = context;
  const params: JsonObject = {};
  if (cursor !== undefined) params.cursor = cursor;
  if (session.era === 'modern' && session.protocolVersion !== undefined) {
    // A 2026-07-28 server refuses a request whose envelope lacks the client's capabilities: the
    // shim's own listing carries what the client declared (its info too, when it gave one).
    params._meta = {
      [META_PROTOCOL_VERSION]: session.protocolVersion,
      [META_CLIENT_CAPABILITIES]: session.clientCapabilities ?? {},
      ...(session.clientInfo === undefined ? {} : { [META_CLIENT_INFO]: session.clientInfo }),
    };
  }
  let id = `${ID_PREFIX}${String(++sequence)}`;
  while (!session.forwardedToServer(id, { method: 'tools/list', params, internal: true })) {
    id = `${ID_PREFIX}${String(++sequence)}`;
  }
  return JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list', params });
}

/**
 * The server's answer to one page of the shim's own listing: a result is recorded (and checked
 * against the pins); an error ends the listing a tool call may be waiting for. Returns the
 * request for the next page, if any.
 */
export function absorbCatalogAnswer(
  context: RelayContext,
  answer: Extract<ClassifiedMessage, { kind: 'response' | 'error' }>,
): string | undefined {
  if (answer.kind === 'error') {
    const { code, message } = answer.error;
    // The server's own words go to the audit only: the client reads the shim's message.
    const reason = `the server answered it with error ${String(code)}`;
    context.pinListing?.failed(reason, `${reason}: ${JSON.stringify(message)}`);
    return undefined;
  }
  const { result } = answer;
  const { catalog } = context.session;
  const tools = Array.isArray(result.tools) ? (result.tools as unknown[]) : [];
  // A change the server announced is checked against the pins at once, not at the next listing.
  const pins = checkToolPins(context, tools, typeof result.nextCursor !== 'string');
  for (const [index, tool] of tools.entries()) {
    if (typeof tool === 'object' && tool !== null)
      catalog.observe(tool as JsonObject, pins?.[index]);
  }
  if (typeof result.nextCursor === 'string')
    return catalogRefreshRequest(context, result.nextCursor);
  // The last page: the catalog is complete now (checkToolPins said so to pinListing too).
  return undefined;
}

/**
 * For a client request about to be routed: undefined when it need not wait for a listing; else
 * when it may be judged (`ready`) and the first request of the shim's own listing, when one had
 * to be started (the caller sends it to the server).
 */
export function pinListingFor(
  context: RelayContext,
  method: string,
  params: JsonObject | undefined,
): { readonly ready: () => boolean; readonly request: string | undefined } | undefined {
  const listing = context.pinListing;
  if (listing === undefined || !listing.needed || method !== 'tools/call') return undefined;
  const name = params?.name;
  if (typeof name !== 'string' || context.session.catalog.get(name) !== undefined) return undefined;
  // A 2026-07-28 call may be the session's first request: its envelope is what the listing carries.
  context.session.observeRequestMeta(params);
  return {
    ready: () => !listing.listing,
    request: listing.start(() => catalogRefreshRequest(context)),
  };
}
