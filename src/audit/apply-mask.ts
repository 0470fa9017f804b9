import type { MaskRule } from '../core/decision.js';

/** The part of a decision event that mask rules may touch. */
export interface MaskableEvent {
  input: unknown;
  result: unknown;
}

export interface MaskOutcome {
  readonly erased: string[];
  readonly masked: string[];
}

/**
 * Applies `system.log.mask` rules with OPA's semantics (plugins/logs/mask.go): a string is an
 * erase pointer; `{op: "remove"|"upsert", path, value}` removes or sets. Paths start with
 * `/input` or `/result`, parts are URL-escaped, array indices are allowed. Removing a path that
 * is not there is a no-op and is not listed; upsert creates missing objects on the way.
 * A rule OPA would reject erases the whole input instead: masking fails closed.
 * Mutates `event`; callers pass a copy.
 */
export function applyMask(event: MaskableEvent, rules: readonly MaskRule[]): MaskOutcome {
  const outcome: MaskOutcome = { erased: [], masked: [] };
  for (const rule of rules) {
    // Rules come from the policy at run time: `op` may be anything.
    const op: string = typeof rule === 'string' ? 'remove' : rule.op;
    const path = typeof rule === 'string' ? rule : rule.path;
    const parts = parsePath(path);
    if (parts === undefined || (op !== 'remove' && op !== 'upsert')) {
      event.input = null;
      if (!outcome.erased.includes('/input')) outcome.erased.push('/input');
      continue;
    }
    const [head, ...rest] = parts as ['input' | 'result', ...string[]];
    if (op === 'remove') {
      if (event[head] === undefined || event[head] === null) continue;
      if (rest.length === 0) event[head] = null;
      else if (!removeAt(event[head], rest)) continue;
      outcome.erased.push(path);
    } else {
      const value = typeof rule === 'string' ? undefined : rule.value;
      if (rest.length === 0) event[head] = value;
      else if (!isObject(event[head]) || !upsertAt(event[head], rest, value)) continue;
      outcome.masked.push(path);
    }
  }
  return outcome;
}

function parsePath(path: string): string[] | undefined {
  if (!path.startsWith('/')) return undefined;
  try {
    const parts = path.slice(1).split('/').map(decodeURIComponent);
    return parts[0] === 'input' || parts[0] === 'result' ? parts : undefined;
  } catch {
    return undefined;
  }
}

function isObject(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function child(node: unknown, key: string): unknown {
  if (Array.isArray(node)) {
    const index = arrayIndex(key, node.length);
    return index === undefined ? undefined : (node[index] as unknown);
  }
  return isObject(node) && Object.hasOwn(node, key) ? node[key] : undefined;
}

function arrayIndex(key: string, length: number): number | undefined {
  const index = /^\d+$/.test(key) ? Number(key) : -1;
  return index >= 0 && index < length ? index : undefined;
}

function removeAt(root: unknown, parts: readonly string[]): boolean {
  let node = root;
  for (const key of parts.slice(0, -1)) {
    node = child(node, key);
    if (node === undefined) return false;
  }
  const last = parts[parts.length - 1] ?? '';
  if (Array.isArray(node)) {
    const index = arrayIndex(last, node.length);
    if (index === undefined) return false;
    node.splice(index, 1);
    return true;
  }
  if (!isObject(node) || !Object.hasOwn(node, last)) return false;
  // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key comes from the mask rule
  delete node[last];
  return true;
}

function upsertAt(
  root: Record<string, unknown>,
  parts: readonly string[],
  value: unknown,
): boolean {
  let node: unknown = root;
  for (const key of parts.slice(0, -1)) {
    if (isObject(node)) {
      if (!Object.hasOwn(node, key)) node[key] = {};
      node = node[key];
    } else if (Array.isArray(node)) {
      node = child(node, key);
    } else {
      return false;
    }
  }
  const last = parts[parts.length - 1] ?? '';
  if (isObject(node)) {
    node[last] = value;
    return true;
  }
  if (Array.isArray(node)) {
    const index = arrayIndex(last, node.length);
    if (index === undefined) return false;
    node[index] = value;
    return true;
  }
  return false;
}
