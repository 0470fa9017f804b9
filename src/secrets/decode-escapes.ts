/**
 * One level of JSON backslash escapes, decoded the way JSON.parse decodes a string: `\"`, `\\`,
 * `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` in either case (a surrogate pair is two `\u`
 * escapes, each giving one UTF-16 unit, as in JSON.parse). Applied to a whole JSON text this
 * yields its structure with every string (keys too) decoded, since outside strings valid JSON
 * has no backslash. Lenient: a backslash that starts no valid escape is kept as it is, so the
 * same reading serves text that is not JSON (a stderr line, a truncated frame).
 */

const SHORT_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);

const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** The escape starting at `source[i]` (a backslash): what it decodes to and its length. */
function escapeAt(source: string, i: number): { decoded: string; width: number } | undefined {
  const next = source[i + 1];
  if (next === 'u') {
    const hex = source.slice(i + 2, i + 6);
    return HEX4.test(hex)
      ? { decoded: String.fromCharCode(Number.parseInt(hex, 16)), width: 6 }
      : undefined;
  }
  const decoded = next === undefined ? undefined : SHORT_ESCAPES.get(next);
  return decoded === undefined ? undefined : { decoded, width: 2 };
}

/** `source` with one level of escapes decoded (the same string when it has none). */
export function decodeEscapes(source: string): string {
  let text = '';
  let plainFrom = 0;
  let i = source.indexOf('\\');
  while (i !== -1) {
    const escape = escapeAt(source, i);
    if (escape === undefined) {
      i = source.indexOf('\\', i + 1);
      continue;
    }
    text += source.slice(plainFrom, i) + escape.decoded;
    plainFrom = i + escape.width;
    i = source.indexOf('\\', plainFrom);
  }
  return plainFrom === 0 ? source : text + source.slice(plainFrom);
}

/**
 * Where each unit of `decodeEscapes(source)` came from: `starts[k]` is the index in `source` of
 * the character or escape that produced decoded unit k, and `starts[decoded.length]` is
 * `source.length`. A decoded range [a, b) thus came from the source range [starts[a], starts[b]).
 * Computed only when a secret was found, so the common path allocates no map.
 */
export function decodedStarts(source: string): Uint32Array {
  const starts: number[] = [];
  let plainFrom = 0;
  let i = source.indexOf('\\');
  while (i !== -1) {
    const escape = escapeAt(source, i);
    if (escape === undefined) {
      i = source.indexOf('\\', i + 1);
      continue;
    }
    for (let k = plainFrom; k <= i; k++) starts.push(k);
    plainFrom = i + escape.width;
    i = source.indexOf('\\', plainFrom);
  }
  for (let k = plainFrom; k <= source.length; k++) starts.push(k);
  return Uint32Array.from(starts);
}
