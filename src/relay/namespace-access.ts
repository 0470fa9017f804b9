import { collectStrings, parsePointer } from '../input/json-pointer.js';
import type { InputContext } from '../input/input-context.js';
import { isReadOnlyTool, operationType } from '../input/operation-type.js';
import { FILESYSTEM_POINTERS } from '../input/resolve-paths.js';
import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import type { ToolCatalog } from '../session/tool-catalog.js';

/**
 * What a client request may do to the file namespace, decided from its method and params alone
 * (no file system access: it is asked before the request may be judged). It finds paths where
 * the policy input does (the same pointers, `file:` URIs), so a request whose input carries a
 * path is never `none`.
 */
export function namespaceAccess(
  method: string,
  params: JsonObject | undefined,
  catalog: ToolCatalog,
  context: InputContext,
): NamespaceAccess {
  switch (method) {
    case 'tools/call': {
      if (!hasArgumentPath(params?.arguments, context)) return 'none';
      const name = typeof params?.name === 'string' ? params.name : '';
      const hint = catalog.get(name)?.annotations?.readOnlyHint;
      return isReadOnlyTool(name, hint) ? 'read' : 'write';
    }
    case 'prompts/get':
      return hasArgumentPath(params?.arguments, context) ? 'read' : 'none';
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return isFileUri(params?.uri) ? 'read' : 'none';
    case 'subscriptions/listen':
      return collectStrings(params, SUBSCRIPTIONS).some((hit) => isFileUri(hit.value))
        ? 'listen'
        : 'none';
  }
  // A method the shim does not know is a barrier when its params carry a path. Without one it is
  // not: an unknown request the server never answers (one its parser refused) would otherwise
  // hold every later path-bearing request for the rest of the session.
  return operationType(method) === 'other' && hasArgumentPath(params, context) ? 'write' : 'none';
}

const SUBSCRIPTIONS = ['notifications', 'resourceSubscriptions'] as const;
const FILESYSTEM_TOKENS = FILESYSTEM_POINTERS.map((pointer) => parsePointer(pointer) ?? []);
const configuredTokens = new WeakMap<InputContext, readonly (readonly string[])[]>();

/** Asked of every tool call: no allocation beyond the first call per configuration. */
function hasArgumentPath(rawArguments: unknown, context: InputContext): boolean {
  if (!isJsonObject(rawArguments)) return false;
  let configured = configuredTokens.get(context);
  if (configured === undefined) {
    configured = context.pathPointers.map((pointer) => parsePointer(pointer) ?? []);
    configuredTokens.set(context, configured);
  }
  for (const tokens of FILESYSTEM_TOKENS) if (reachesString(rawArguments, tokens, 0)) return true;
  for (const tokens of configured) if (reachesString(rawArguments, tokens, 0)) return true;
  return false;
}

/** True when collectStrings(node, tokens) would find at least one string (same walk, no list). */
function reachesString(node: unknown, tokens: readonly string[], index: number): boolean {
  if (index === tokens.length) {
    return (
      typeof node === 'string' ||
      (Array.isArray(node) && node.some((item) => typeof item === 'string'))
    );
  }
  if (typeof node !== 'object' || node === null) return false;
  const token = tokens[index] ?? '';
  if (token === '*') {
    return Object.values(node).some((child: unknown) => reachesString(child, tokens, index + 1));
  }
  if (Array.isArray(node)) {
    if (!/^(0|[1-9]\d*)$/.test(token)) return false;
    return reachesString(node[Number(token)], tokens, index + 1);
  }
  if (!Object.hasOwn(node, token)) return false;
  return reachesString((node as Record<string, unknown>)[token], tokens, index + 1);
}

function isFileUri(value: unknown): boolean {
  return typeof value === 'string' && /^file:/i.test(value);
}
