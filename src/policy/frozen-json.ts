/**
 * JSON text of deeply frozen plain data, remembered per object. Such a value can never
 * serialise differently later, so its text (and the Wasm value parsed from it) may be reused
 * for as long as the same object is passed. Anything else gives `undefined`: the caller then
 * serialises it afresh every time.
 */
const texts = new WeakMap<object, string>();

export function frozenJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(value);
    case 'object':
      if (value === null) return 'null';
      return texts.get(value) ?? remember(value);
    default:
      // undefined, functions, symbols, bigints: JSON.stringify drops or rejects them.
      return undefined;
  }
}

function remember(value: object): string | undefined {
  if (!Object.isFrozen(value)) return undefined;
  const text = Array.isArray(value) ? arrayJson(value) : objectJson(value);
  if (text !== undefined) texts.set(value, text);
  return text;
}

function arrayJson(array: readonly unknown[]): string | undefined {
  if (Object.getPrototypeOf(array) !== Array.prototype) return undefined;
  const parts: string[] = [];
  for (let index = 0; index < array.length; index++) {
    const item = ownData(array, String(index));
    if (item === NOT_DATA) return undefined;
    const text = frozenJson(item);
    // JSON.stringify writes null for these; other odd values are not cached at all.
    if (text === undefined && !skipped(item)) return undefined;
    parts.push(text ?? 'null');
  }
  return `[${parts.join(',')}]`;
}

function objectJson(object: object): string | undefined {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const parts: string[] = [];
  for (const key of Object.keys(object)) {
    // JSON.stringify would call it: not plain data.
    if (key === 'toJSON') return undefined;
    const item = ownData(object, key);
    if (item === NOT_DATA) return undefined;
    const text = frozenJson(item);
    if (text === undefined) {
      if (skipped(item)) continue; // JSON.stringify leaves such members out
      return undefined;
    }
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

const NOT_DATA = Symbol('not a data property');

/** A getter could answer differently each time, frozen or not. */
function ownData(object: object, key: string): unknown {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  return descriptor !== undefined && 'value' in descriptor ? descriptor.value : NOT_DATA;
}

function skipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}
