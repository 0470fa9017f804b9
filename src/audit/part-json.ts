/**
 * JSON text of a record's parts, exactly as `JSON.stringify` writes it, reusing the text of
 * parts seen before. The input builder hands out the same deeply frozen objects for the parts
 * of the input that did not change (principal, client, server, environment, roots…), so their
 * text is cached by identity. Only deeply frozen plain data is cached: it can never change, so
 * the cached text can never go stale.
 */

const cache = new WeakMap<object, string>();
/** `"key":` texts of the keys seen so far (a policy input has a fixed, small set). */
const keyTexts = new Map<string, string>();
const MAX_KEY_TEXTS = 256;
/** Input members that may be rebuilt per message around stable (frozen) members of their own. */
const NESTED = new Set(['session', 'environment']);

/** `JSON.stringify(value)`, from the cache when `value` is deeply frozen plain data seen before. */
export function partJson(value: unknown): string | undefined {
  // Undefined for undefined, a function or a symbol, as JSON leaves those out.
  if (typeof value !== 'object' || value === null) return stringify(value);
  // Checked first: a mutable part costs no cache lookup.
  if (!Object.isFrozen(value)) return JSON.stringify(value);
  return cache.get(value) ?? frozenJson(value) ?? JSON.stringify(value);
}

/**
 * `JSON.stringify(input)` for a policy input: each member's text from `partJson`, in key order,
 * skipping what JSON leaves out; the members of a rebuilt `session` or `environment` likewise.
 */
export function objectJson(object: object, depth = 0): string {
  // Arrays, class instances (a toJSON method) and the like: JSON.stringify knows best.
  if (!isPlainObject(object) || 'toJSON' in object) return JSON.stringify(object);
  let text = '{';
  for (const key of Object.keys(object)) {
    const member = (object as Record<string, unknown>)[key];
    const value =
      depth === 0 && NESTED.has(key) && isMutableObject(member)
        ? objectJson(member, 1)
        : partJson(member);
    if (value === undefined) continue;
    text += (text.length === 1 ? '' : ',') + keyText(key) + value;
  }
  return `${text}}`;
}

/** A member that is not plain frozen data: the whole value is serialised afresh. */
const NOT_DATA = Symbol('not plain frozen data');

/**
 * The text of frozen plain data, cached with that of every frozen part inside it, so a new
 * frozen array of entries seen before (the recent operations) costs only their joining.
 * Undefined when something inside is not plain frozen data (a getter, a Date, a mutable object).
 */
function frozenJson(value: object): string | undefined {
  const proto: unknown = Object.getPrototypeOf(value);
  const parts: string[] = [];
  let text: string;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) return undefined;
    for (let index = 0; index < value.length; index++) {
      const item = memberJson(value, String(index));
      if (item === NOT_DATA) return undefined;
      // JSON writes null for holes, undefined, functions and symbols in arrays.
      parts.push(item ?? 'null');
    }
    text = `[${parts.join(',')}]`;
  } else {
    if ((proto !== Object.prototype && proto !== null) || 'toJSON' in value) return undefined;
    for (const key of Object.keys(value)) {
      const item = memberJson(value, key);
      if (item === NOT_DATA) return undefined;
      if (item !== undefined) parts.push(keyText(key) + item);
    }
    text = `{${parts.join(',')}}`;
  }
  cache.set(value, text);
  return text;
}

function memberJson(owner: object, key: string): string | undefined | typeof NOT_DATA {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key);
  if (descriptor === undefined) return undefined;
  // A getter could answer differently each time.
  if (!('value' in descriptor)) return NOT_DATA;
  const child: unknown = descriptor.value;
  if (typeof child !== 'object' || child === null) return stringify(child);
  if (!Object.isFrozen(child)) return NOT_DATA;
  return cache.get(child) ?? frozenJson(child) ?? NOT_DATA;
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return !Array.isArray(value) && (proto === Object.prototype || proto === null);
}

function isMutableObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Object.isFrozen(value);
}

function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < MAX_KEY_TEXTS) keyTexts.set(key, text);
  }
  return text;
}

function stringify(value: unknown): string | undefined {
  const text: string | undefined = JSON.stringify(value);
  return text;
}
