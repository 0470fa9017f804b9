import { isUtf8 } from 'node:buffer';
import {
  asciiEquals,
  decodeString,
  sameBytes,
  ScannedValue,
  type JsonType,
} from './scanned-value.js';

export { ScannedValue, type JsonType } from './scanned-value.js';

/** What the relay needs to know about a frame, read from its bytes without building objects. */
export interface ScannedFrame {
  readonly type: JsonType;
  /** A key repeats in the top-level object or in its `result` or `error` object. */
  readonly duplicateKey: boolean;
  readonly jsonrpc: ScannedValue | undefined;
  readonly method: ScannedValue | undefined;
  readonly id: ScannedValue | undefined;
  readonly params: ScannedValue | undefined;
  readonly result: ScannedValue | undefined;
  readonly error: ScannedValue | undefined;
  /** `result.resultType`. */
  readonly resultType: ScannedValue | undefined;
  readonly errorCode: ScannedValue | undefined;
  readonly errorMessage: ScannedValue | undefined;
}

type Field = Exclude<keyof ScannedFrame, 'type' | 'duplicateKey'>;
type Names = readonly (readonly [string, Field])[];

// Objects whose keys are tracked, and the members the relay reads from them.
const TOP_FIELDS: Names = [
  ['jsonrpc', 'jsonrpc'],
  ['method', 'method'],
  ['id', 'id'],
  ['params', 'params'],
  ['result', 'result'],
  ['error', 'error'],
];
const RESULT_FIELDS: Names = [['resultType', 'resultType']];
const ERROR_FIELDS: Names = [
  ['code', 'errorCode'],
  ['message', 'errorMessage'],
];
/** Keys compared as bytes up to this many per object; then (or after an escaped key) as strings. */
const MAX_KEY_RANGES = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
/** Characters allowed after a backslash, besides `u`. */
const SIMPLE_ESCAPES = new Set(Buffer.from('"\\/bfnrt'));

class NotJson extends Error {}

/** One object being read whose keys matter: the keys seen, and which fields they fill. */
interface TrackedObject {
  readonly names: Names;
  /** Unescaped keys seen, as [start, end) pairs (quotes included). */
  readonly ranges: number[];
  /** Decoded keys seen, once a key had escapes or there were many: a hostile frame may hold millions. */
  keys: Set<string> | undefined;
}

/**
 * Reads one frame (`bytes[start, end)`) with the full RFC 8259 grammar, as JSON.parse would read
 * its UTF-8 decoding. Returns undefined when JSON.parse would refuse it, or when the bytes are not
 * valid UTF-8 (then decoding would replace characters, and only the slow path knows the result).
 */
export function scanFrame(bytes: Buffer, start = 0, end = bytes.length): ScannedFrame | undefined {
  const frame = bytes.subarray(start, end);
  if (!isUtf8(frame)) return undefined;
  try {
    return new Scanner(frame).scan();
  } catch (error) {
    if (error instanceof NotJson) return undefined;
    throw error;
  }
}

class Scanner {
  readonly #b: Buffer;
  #i = 0;
  readonly #out: { -readonly [K in keyof ScannedFrame]: ScannedFrame[K] } = {
    type: 'null',
    duplicateKey: false,
    jsonrpc: undefined,
    method: undefined,
    id: undefined,
    params: undefined,
    result: undefined,
    error: undefined,
    resultType: undefined,
    errorCode: undefined,
    errorMessage: undefined,
  };
  /** Stack of open containers: a TrackedObject, `true` for other objects, `false` for arrays. */
  readonly #stack: (TrackedObject | boolean)[] = [];
  /** The field the next value fills, set after a tracked key. */
  #field: Field | undefined;

  constructor(bytes: Buffer) {
    this.#b = bytes;
  }

  scan(): ScannedFrame {
    this.#skipSpace();
    this.#out.type = this.#typeAt();
    for (;;) {
      this.#value();
      // Close containers, or move to the next member, until a value is expected again.
      for (;;) {
        this.#skipSpace();
        const open = this.#stack[this.#stack.length - 1];
        if (open === undefined) {
          if (this.#i !== this.#b.length) throw new NotJson();
          return this.#out;
        }
        const c = this.#at();
        if (c === COMMA) {
          this.#i++;
          this.#skipSpace();
          if (open !== false) this.#key(open);
          break;
        }
        if (c !== (open === false ? CLOSE_ARRAY : CLOSE_OBJECT)) throw new NotJson();
        this.#i++;
        this.#stack.pop();
      }
    }
  }

  #at(): number {
    return this.#b[this.#i] ?? -1;
  }

  #skipSpace(): void {
    for (;;) {
      const c = this.#at();
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.#i++;
    }
  }

  #typeAt(): JsonType {
    const c = this.#at();
    if (c === OPEN_OBJECT) return 'object';
    if (c === OPEN_ARRAY) return 'array';
    if (c === QUOTE) return 'string';
    if (c === 0x74 || c === 0x66) return 'boolean';
    if (c === 0x6e) return 'null';
    return 'number';
  }

  /** Reads a scalar, or opens a container and reads up to its first value. */
  #value(): void {
    for (;;) {
      const field = this.#field;
      this.#field = undefined;
      const type = this.#typeAt();
      const start = this.#i;
      if (type === 'object' || type === 'array') {
        if (field !== undefined)
          this.#out[field] = new ScannedValue(this.#b, type, start, start, false);
        this.#i++;
        this.#skipSpace();
        const isObject = type === 'object';
        if (this.#at() === (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          this.#i++;
          return;
        }
        const open = isObject ? this.#tracked(field) : false;
        this.#stack.push(open);
        if (open !== false) this.#key(open);
        continue;
      }
      let escaped = false;
      if (type === 'string') escaped = this.#string();
      else if (type === 'number') this.#number();
      else {
        const c = this.#at();
        this.#literal(c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL);
      }
      if (field !== undefined)
        this.#out[field] = new ScannedValue(this.#b, type, start, this.#i, escaped);
      return;
    }
  }

  /** An object opened where the relay cares about its keys: the top level, `result`, `error`. */
  #tracked(field: Field | undefined): TrackedObject | true {
    const depth = this.#stack.length;
    if (depth === 0) return { names: TOP_FIELDS, ranges: [], keys: undefined };
    if (depth === 1 && field === 'result')
      return { names: RESULT_FIELDS, ranges: [], keys: undefined };
    if (depth === 1 && field === 'error')
      return { names: ERROR_FIELDS, ranges: [], keys: undefined };
    return true;
  }

  /** Reads `"key"` and `:`; for tracked objects notes duplicates and the field it names. */
  #key(open: TrackedObject | true): void {
    if (this.#at() !== QUOTE) throw new NotJson();
    const start = this.#i;
    const escaped = this.#string();
    if (open !== true) {
      const end = this.#i;
      if (isDuplicate(this.#b, open, start, end, escaped)) this.#out.duplicateKey = true;
      this.#field = fieldNamed(this.#b, open.names, start, end, escaped);
    }
    this.#skipSpace();
    if (this.#at() !== COLON) throw new NotJson();
    this.#i++;
    this.#skipSpace();
  }

  /** Skips a string from its opening quote; true when it holds escapes. */
  #string(): boolean {
    const b = this.#b;
    let i = this.#i + 1;
    let escaped = false;
    for (;;) {
      let c = b[i] ?? -1;
      // Validated UTF-8, so bytes >= 0x80 are parts of characters, all allowed in strings.
      while (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) c = b[++i] ?? -1;
      if (c === QUOTE) break;
      if (c !== BACKSLASH) throw new NotJson();
      escaped = true;
      const next = b[i + 1] ?? -1;
      if (SIMPLE_ESCAPES.has(next)) {
        i += 2;
      } else if (next === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k] ?? -1)) throw new NotJson();
        i += 6;
      } else {
        throw new NotJson();
      }
    }
    this.#i = i + 1;
    return escaped;
  }

  #number(): void {
    if (this.#at() === MINUS) this.#i++;
    const first = this.#at();
    if (first === ZERO) this.#i++;
    else if (first > ZERO && first <= NINE) this.#digits();
    else throw new NotJson();
    if (this.#at() === DOT) {
      this.#i++;
      this.#digits();
    }
    const e = this.#at();
    if (e === 0x65 || e === 0x45) {
      this.#i++;
      const sign = this.#at();
      if (sign === PLUS || sign === MINUS) this.#i++;
      this.#digits();
    }
  }

  /** One or more digits. */
  #digits(): void {
    const start = this.#i;
    while (isDigit(this.#at())) this.#i++;
    if (this.#i === start) throw new NotJson();
  }

  #literal(word: Buffer): void {
    const i = this.#i;
    if (
      this.#b.length - i < word.length ||
      this.#b.compare(word, 0, word.length, i, i + word.length) !== 0
    ) {
      throw new NotJson();
    }
    this.#i += word.length;
  }
}

/** Notes the key at `bytes[start, end)` in `open`; true when `open` already had it. */
function isDuplicate(
  bytes: Buffer,
  open: TrackedObject,
  start: number,
  end: number,
  escaped: boolean,
): boolean {
  const { ranges } = open;
  if (open.keys === undefined && !escaped && ranges.length < 2 * MAX_KEY_RANGES) {
    for (let k = 0; k < ranges.length; k += 2) {
      if (sameBytes(bytes, ranges[k] ?? 0, ranges[k + 1] ?? 0, start, end)) return true;
    }
    ranges.push(start, end);
    return false;
  }
  // Escapes can spell one key two ways ("id" and "\u0069d"): compare decoded keys from here on.
  if (open.keys === undefined) {
    open.keys = new Set();
    for (let k = 0; k < ranges.length; k += 2) {
      open.keys.add(decodeString(bytes, ranges[k] ?? 0, ranges[k + 1] ?? 0, false));
    }
  }
  const key = decodeString(bytes, start, end, escaped);
  if (open.keys.has(key)) return true;
  open.keys.add(key);
  return false;
}

/** The field a key names in a tracked object, if any. */
function fieldNamed(
  bytes: Buffer,
  names: Names,
  start: number,
  end: number,
  escaped: boolean,
): Field | undefined {
  const key = escaped ? decodeString(bytes, start, end, true) : undefined;
  for (const [name, field] of names) {
    if (key === undefined ? asciiEquals(bytes, start + 1, end - 1, name) : key === name)
      return field;
  }
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
