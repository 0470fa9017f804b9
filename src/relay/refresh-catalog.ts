import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../core/json-rpc.js';
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
 * The shim's own `tools/list` request, sent when the server says its tools changed, so that
 * annotations and `listed` in the policy input stay current even if the client never re-lists.
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

/** Records one page of the shim's own listing; returns the request for the next page, if any. */
export function absorbCatalogPage(context: RelayContext, result: JsonObject): string | undefined {
  const { catalog } = context.session;
  const tools = Array.isArray(result.tools) ? (result.tools as unknown[]) : [];
  // A change the server announced is checked against the pins at once, not at the next listing.
  const pins = checkToolPins(context, tools, typeof result.nextCursor !== 'string');
  for (const [index, tool] of tools.entries()) {
    if (typeof tool === 'object' && tool !== null)
      catalog.observe(tool as JsonObject, pins?.[index]);
  }
  return typeof result.nextCursor === 'string'
    ? catalogRefreshRequest(context, result.nextCursor)
    : undefined;
}
