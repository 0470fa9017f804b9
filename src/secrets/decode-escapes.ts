/**
 * One level of JSON backslash escapes, decoded the way JSON.parse decodes a string: `\"`, `\\`,
 * `\/`, `\b`, `\f`, `\n`, `\r`, `\t` and `\uXXXX` in either case (a surrogate pair is two `\u`
 * escapes, each giving one UTF-16 unit, as in JSON.parse). Applied to a whole JSON text this
 * yields its structure with every string (keys too) decoded, since outside strings valid JSON
 * has no backslash. Lenient: a backslash that starts no valid escape is kept as it is, so the
 * same reading serves text that is not JSON (a stderr line, a truncated frame).
 */

/** What the character after a backslash decodes to, by its code (`u` handled apart). */
const SHORT_ESCAPES = new Map<number, string>([
  [0x22, '"'],
  [0x5c, '\\'],
  [0x2f, '/'],
  [0x62, '\b'],
  [0x66, '\f'],
  [0x6e, '\n'],
  [0x72, '\r'],
  [0x74, '\t'],
]);

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x57 : -1;
}

/** The escape starting at `source[i]` (a backslash): what it decodes to and its length. */
function escapeAt(source: string, i: number): { decoded: string; width: number } | undefined {
  const next = source.charCodeAt(i + 1);
  if (next !== 0x75) {
    const decoded = SHORT_ESCAPES.get(next);
    return decoded === undefined ? undefined : { decoded, width: 2 };
  }
  let unit = 0;
  for (let k = i + 2; k < i + 6; k++) {
    const digit = hexValue(source.charCodeAt(k));
    if (digit < 0) return undefined;
    unit = unit * 16 + digit;
  }
  return { decoded: String.fromCharCode(unit), width: 6 };
}

/** Calls `visit` with the index and decoding of each valid escape in `source`, in order. */
function walkEscapes(
  source: string,
  visit: (at: number, escape: { decoded: string; width: number }) => void,
): void {
  let i = source.indexOf('\\');
  while (i !== -1) {
    const escape = escapeAt(source, i);
    if (escape === undefined) {
      i = source.indexOf('\\', i + 1);
      continue;
    }
    visit(i, escape);
    i = source.indexOf('\\', i + escape.width);
  }
}

/** `source` with one level of escapes decoded (the same string when it has none). */
export function decodeEscapes(source: string): string {
  const parts: string[] = [];
  let plainFrom = 0;
  walkEscapes(source, (at, escape) => {
    if (at > plainFrom) parts.push(source.slice(plainFrom, at));
    parts.push(escape.decoded);
    plainFrom = at + escape.width;
  });
  if (plainFrom === 0) return source;
  parts.push(source.slice(plainFrom));
  return parts.join('');
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
  walkEscapes(source, (at, escape) => {
    for (let k = plainFrom; k <= at; k++) starts.push(k);
    plainFrom = at + escape.width;
  });
  for (let k = plainFrom; k <= source.length; k++) starts.push(k);
  return Uint32Array.from(starts);
}
