/**
 * JSON text of a record's parts, exactly as `JSON.stringify` writes it, reusing the text of
 * parts seen before. The input builder hands out the same deeply frozen objects for the parts
 * of the input that did not change (principal, client, server, environment, roots…), so their
 * text is cached by identity. Only deeply frozen plain data is cached: it can never change, so
 * the cached text can never go stale.
 */

const cache = new WeakMap<object, string>();

/** `JSON.stringify(value)`, from the cache when `value` is a deeply frozen object seen before. */
export function partJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    // Undefined for undefined, a function or a symbol, as JSON leaves those out.
    const text: string | undefined = JSON.stringify(value);
    return text;
  }
  const cached = cache.get(value);
  if (cached !== undefined) return cached;
  const text = JSON.stringify(value);
  if (isDeeplyFrozenData(value)) cache.set(value, text);
  return text;
}

/**
 * `JSON.stringify(object)` for a plain object whose values are mostly stable parts: each own
 * key's value comes from `partJson`, in key order, skipping what JSON leaves out.
 */
export function objectJson(object: object): string {
  const proto: unknown = Object.getPrototypeOf(object);
  // Arrays, class instances (a toJSON method) and the like: JSON.stringify knows best.
  if (Array.isArray(object) || (proto !== Object.prototype && proto !== null) || 'toJSON' in object)
    return JSON.stringify(object);
  let text = '';
  for (const key of Object.keys(object)) {
    const value = partJson((object as Record<string, unknown>)[key]);
    if (value === undefined) continue;
    text += `${text === '' ? '{' : ','}${JSON.stringify(key)}:${value}`;
  }
  return text === '' ? '{}' : `${text}}`;
}

/**
 * Plain objects and arrays, frozen all the way down. A frozen Date or Map could still change
 * (their state is not in properties), so only plain data counts.
 */
function isDeeplyFrozenData(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return false;
  for (const child of Object.values(value) as unknown[]) {
    if (typeof child === 'object' && child !== null && !isDeeplyFrozenData(child)) return false;
  }
  return true;
}
