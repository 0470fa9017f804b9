export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/**
 * One member's value where it sits in a frame's bytes, decoded only when asked: most frames
 * are forwarded having compared a few bytes, without building a string.
 */
export class ScannedValue {
  readonly type: JsonType;
  readonly #bytes: Buffer;
  /** The value's bytes, quotes included for a string. */
  readonly #start: number;
  readonly #end: number;
  readonly #escaped: boolean;

  constructor(bytes: Buffer, type: JsonType, start: number, end: number, escaped: boolean) {
    this.type = type;
    this.#bytes = bytes;
    this.#start = start;
    this.#end = end;
    this.#escaped = escaped;
  }

  /** A string or a number as JSON.parse reads it; undefined for other types. */
  get value(): string | number | undefined {
    if (this.type === 'string') {
      return decodeString(this.#bytes, this.#start, this.#end, this.#escaped);
    }
    if (this.type === 'number') return readNumber(this.#bytes, this.#start, this.#end);
    return undefined;
  }

  /** True when this is the string `ascii` (an ASCII constant), compared without decoding. */
  isString(ascii: string): boolean {
    if (this.type !== 'string') return false;
    if (this.#escaped) return this.value === ascii;
    return asciiEquals(this.#bytes, this.#start + 1, this.#end - 1, ascii);
  }
}

/** A JSON number token: short integers (most ids) without building a string. */
function readNumber(bytes: Buffer, start: number, end: number): number {
  const negative = bytes[start] === 0x2d;
  const from = negative ? start + 1 : start;
  // Up to 15 digits is exact in a double, as JSON.parse reads it; -0 stays -0.
  if (end - from <= 15) {
    let value = 0;
    let k = from;
    for (; k < end; k++) {
      const digit = (bytes[k] ?? 0) - 0x30;
      if (digit < 0 || digit > 9) break;
      value = value * 10 + digit;
    }
    if (k === end) return negative ? -value : value;
  }
  return Number(bytes.toString('latin1', start, end));
}

/** The JSON string literal at `bytes[start, end)` (quotes included), as JSON.parse reads it. */
export function decodeString(bytes: Buffer, start: number, end: number, escaped: boolean): string {
  if (escaped) return JSON.parse(bytes.toString('utf8', start, end)) as string;
  return bytes.toString('utf8', start + 1, end - 1);
}

/** `bytes[start, end)` spells `ascii`, which holds only ASCII characters. */
export function asciiEquals(bytes: Buffer, start: number, end: number, ascii: string): boolean {
  if (end - start !== ascii.length) return false;
  for (let k = 0; k < ascii.length; k++) {
    if (bytes[start + k] !== ascii.charCodeAt(k)) return false;
  }
  return true;
}
