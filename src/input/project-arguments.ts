import type { JsonObject } from '../core/json-rpc.js';
import { escapeToken } from './json-pointer.js';

/** A top-level argument whose JSON is larger than this is left out (and named in `arguments_omitted`). */
export const MAX_ARGUMENT_CHARS = 64 * 1024;
/** Once the kept arguments reach this size, later ones are left out too. */
export const MAX_ARGUMENTS_CHARS = 256 * 1024;

export interface ProjectedArguments {
  readonly value: Readonly<Record<string, unknown>>;
  /** JSON pointers of the values left out. */
  readonly omitted: readonly string[];
}

const EMPTY: ProjectedArguments = Object.freeze({
  value: Object.freeze({}),
  omitted: Object.freeze([]),
});

/**
 * The arguments a policy sees: `source` without the keys in `drop` (always
 * `_meta`) and without oversized values. Returns `source` itself when nothing
 * is left out, so large calls are never deep-copied.
 */
export function projectArguments(
  source: JsonObject | undefined,
  drop: readonly string[] = [],
): ProjectedArguments {
  if (source === undefined) return EMPTY;
  const omitted: string[] = [];
  let removed: string[] | undefined;
  let total = 0;
  for (const key of Object.keys(source)) {
    if (key === '_meta' || drop.includes(key)) {
      (removed ??= []).push(key);
      continue;
    }
    const size = jsonSizeUpTo(source[key], MAX_ARGUMENT_CHARS);
    if (size > MAX_ARGUMENT_CHARS || total + size > MAX_ARGUMENTS_CHARS) {
      (removed ??= []).push(key);
      omitted.push(`/${escapeToken(key)}`);
      continue;
    }
    total += size;
  }
  if (removed === undefined) return { value: source, omitted };
  // Spread and delete keep a literal "__proto__" key an own property.
  const value: Record<string, unknown> = { ...source };
  for (const key of removed) Reflect.deleteProperty(value, key);
  return { value, omitted };
}

/**
 * Approximate length of `value` as JSON (UTF-16 units), counting no further
 * than `limit` + 1, so a huge value costs no more than a small one.
 */
export function jsonSizeUpTo(value: unknown, limit: number): number {
  let size = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && size <= limit) {
    const node = stack.pop();
    if (typeof node === 'string') size += node.length + 2;
    else if (typeof node === 'number' || typeof node === 'boolean') size += 8;
    else if (Array.isArray(node)) {
      size += 2 + node.length;
      if (size <= limit) for (const item of node as unknown[]) stack.push(item);
    } else if (typeof node === 'object' && node !== null) {
      size += 2;
      for (const [key, child] of Object.entries(node)) {
        size += key.length + 4;
        stack.push(child);
      }
    } else size += 4;
  }
  return Math.min(size, limit + 1);
}
