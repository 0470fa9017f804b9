import type { OperationType } from '../core/policy-input.js';

// Maps, not object literals: a method named `constructor` must not find a prototype member.
const EXACT = new Map<string, OperationType>([
  ['tools/call', 'tool'],
  ['resources/read', 'resource'],
  ['resources/subscribe', 'resource'],
  ['resources/unsubscribe', 'resource'],
  ['prompts/get', 'prompt'],
  ['completion/complete', 'completion'],
  ['logging/setLevel', 'logging'],
  ['sampling/createMessage', 'sampling'],
  ['elicitation/create', 'elicitation'],
  ['roots/list', 'roots'],
  ['initialize', 'lifecycle'],
  ['notifications/initialized', 'lifecycle'],
  ['server/discover', 'lifecycle'],
  ['ping', 'ping'],
  ['subscriptions/listen', 'subscription'],
]);

/** The lists the relay filters item by item, and what they list. */
const ITEM_LISTS = new Map<string, OperationType>([
  ['tools/list', 'tool'],
  ['prompts/list', 'prompt'],
  ['resources/list', 'resource'],
  ['resources/templates/list', 'resource'],
]);

/** The operation type a method belongs to; unknown methods are `other`. */
export function operationType(method: string): OperationType {
  const known = EXACT.get(method) ?? ITEM_LISTS.get(method);
  if (known !== undefined) return known;
  if (method.startsWith('tasks/')) return 'task';
  if (method.startsWith('notifications/')) return 'notification';
  return 'other';
}

/** `tools/list`, `prompts/list`, `resources/list`, `resources/templates/list`. */
export function isItemList(method: string): boolean {
  return ITEM_LISTS.has(method);
}

/**
 * server-filesystem's tools that only read (they declare `readOnlyHint: true`), known by name so
 * that a session whose client never listed the tools still lets their paths through side by side.
 */
const READ_ONLY_TOOLS = new Set([
  'read_file',
  'read_text_file',
  'read_media_file',
  'read_multiple_files',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
]);

/**
 * True only for a tool known not to change the file namespace: the server's own
 * `readOnlyHint` (from the catalog) when it gave one, else the known read-only names above.
 * Anything else may write, so its paths make it a barrier.
 */
export function isReadOnlyTool(name: string, readOnlyHint: boolean | undefined): boolean {
  return readOnlyHint ?? READ_ONLY_TOOLS.has(name);
}
