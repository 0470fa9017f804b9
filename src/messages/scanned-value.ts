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
    if (this.type === 'number')
      return Number(this.#bytes.toString('latin1', this.#start, this.#end));
    return undefined;
  }

  /** True when this is the string `ascii` (an ASCII constant), compared without decoding. */
  isString(ascii: string): boolean {
    if (this.type !== 'string') return false;
    if (this.#escaped) return this.value === ascii;
    return asciiEquals(this.#bytes, this.#start + 1, this.#end - 1, ascii);
  }
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

/** Two ranges of `bytes` hold the same bytes. */
export function sameBytes(
  bytes: Buffer,
  a: number,
  aEnd: number,
  b: number,
  bEnd: number,
): boolean {
  if (aEnd - a !== bEnd - b) return false;
  for (let k = 0; k < aEnd - a; k++) if (bytes[a + k] !== bytes[b + k]) return false;
  return true;
}
