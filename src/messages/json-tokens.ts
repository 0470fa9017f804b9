/**
 * RFC 8259 tokens read from bytes: each function takes the index of the token's first byte and
 * returns the index just after it, or -1 when the bytes are not that token. Bytes at and after
 * `end` are never read. Plain functions over locals: they run once per token of every frame.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

export function skipSpace(b: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = b[i];
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
  return i;
}

/**
 * `b[i]` is the opening quote. Bytes >= 0x80 pass: the caller has checked UTF-8 validity.
 * Returns -1 when the bytes are not a string; else the index after the closing quote, inverted
 * (`~index`, below -1) when the string holds escapes: read it with stringEnd and hasEscapes.
 * One number rather than an object, because this runs for every string of every frame.
 */
export function skipString(b: Buffer, i: number, end: number): number {
  let escaped = false;
  i++;
  for (;;) {
    let c = -1;
    while (i < end) {
      c = b[i] ?? -1;
      if (c < 0x20 || c === QUOTE || c === BACKSLASH) break;
      i++;
    }
    if (i >= end || c < 0x20) return -1;
    if (c === QUOTE) break;
    // A backslash: one of the simple escapes, or u and four hex digits.
    escaped = true;
    const next = i + 1 < end ? (b[i + 1] ?? -1) : -1;
    if (
      next === QUOTE ||
      next === BACKSLASH ||
      next === 0x2f ||
      next === 0x62 ||
      next === 0x66 ||
      next === 0x6e ||
      next === 0x72 ||
      next === 0x74
    ) {
      i += 2;
    } else if (next === 0x75 && i + 6 <= end) {
      for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k] ?? -1)) return -1;
      i += 6;
    } else {
      return -1;
    }
  }
  return escaped ? ~(i + 1) : i + 1;
}

/** The index after the string skipString read (its result must not be -1). */
export function stringEnd(skipped: number): number {
  return skipped < 0 ? ~skipped : skipped;
}

/** Whether the string skipString read holds escapes. */
export function hasEscapes(skipped: number): boolean {
  return skipped < -1;
}

export function skipNumber(b: Buffer, i: number, end: number): number {
  if (i < end && b[i] === MINUS) i++;
  if (i >= end) return -1;
  const first = b[i] ?? -1;
  if (first === ZERO) i++;
  else if (first > ZERO && first <= NINE) i = skipDigits(b, i, end);
  else return -1;
  if (i < end && b[i] === DOT) {
    i = skipDigits(b, i + 1, end);
    if (i < 0) return -1;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    i++;
    if (i < end && (b[i] === PLUS || b[i] === MINUS)) i++;
    i = skipDigits(b, i, end);
  }
  return i;
}

/** One or more digits. */
function skipDigits(b: Buffer, i: number, end: number): number {
  const start = i;
  while (i < end && isDigit(b[i] ?? -1)) i++;
  return i === start ? -1 : i;
}

/** `true`, `false` or `null`, as `word` (its bytes). */
export function skipLiteral(b: Buffer, i: number, end: number, word: Uint8Array): number {
  if (end - i < word.length) return -1;
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word[k]) return -1;
  return i + word.length;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
