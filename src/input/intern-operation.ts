import { frozenCopy } from './frozen-copy.js';
import type { Operation } from './policy-input.js';

const OPERATION_KEYS = new Set([
  'type',
  'name',
  'listing',
  'listed',
  'annotations',
  'description_sha256',
]);
const ANNOTATION_KEYS = new Set([
  'title',
  'readOnlyHint',
  'destructiveHint',
  'idempotentHint',
  'openWorldHint',
]);
/** A server listing endless distinct tools cannot grow the table beyond this. */
const LIMIT = 1024;

let interned = new Map<string, Operation>();

/**
 * One deeply frozen object per distinct operation without `details` (calls to the same tool, the
 * same lifecycle method…), so the policy engine can keep it parsed between messages. Anything
 * with a field the key does not cover exactly is returned as it is.
 */
export function internOperation(operation: Operation): Operation {
  const key = keyOf(operation);
  if (key === undefined) return operation;
  let known = interned.get(key);
  if (known === undefined) {
    if (interned.size >= LIMIT) interned = new Map();
    known = frozenCopy(operation);
    interned.set(key, known);
  }
  return known;
}

/** Every field, each of its one expected type (so absent and null cannot collide), as JSON. */
function keyOf(operation: Operation): string | undefined {
  if (!Object.keys(operation).every((key) => OPERATION_KEYS.has(key))) return undefined;
  const { type, name, listing, listed, annotations, description_sha256: digest } = operation;
  if (
    typeof type !== 'string' ||
    typeof listing !== 'boolean' ||
    !optional(name, 'string') ||
    !optional(listed, 'boolean') ||
    !optional(digest, 'string')
  )
    return undefined;
  if (annotations === undefined) return JSON.stringify([type, name, listing, listed, digest]);
  if (
    Object.getPrototypeOf(annotations) !== Object.prototype ||
    !Object.keys(annotations).every((key) => ANNOTATION_KEYS.has(key))
  )
    return undefined;
  const { title, readOnlyHint, destructiveHint, idempotentHint, openWorldHint } = annotations;
  const hints = [readOnlyHint, destructiveHint, idempotentHint, openWorldHint];
  if (!optional(title, 'string') || !hints.every((hint) => optional(hint, 'boolean')))
    return undefined;
  return JSON.stringify([type, name, listing, listed, digest, title, ...hints]);
}

function optional(value: unknown, type: 'string' | 'boolean'): boolean {
  return value === undefined || typeof value === type;
}
