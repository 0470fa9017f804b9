import type { OperationType } from './policy-input.js';

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
