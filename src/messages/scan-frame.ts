import { isUtf8 } from 'node:buffer';

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** A member's type, and its value when it is a string or a number (as JSON.parse reads it). */
export interface ScannedValue {
  readonly type: JsonType;
  readonly value?: string | number;
}

/** What the relay needs to know about a frame, read from its bytes without building objects. */
export interface ScannedFrame {
  readonly type: JsonType;
  /** A key repeats in the top-level object or in its `result` or `error` object. */
  readonly duplicateKey: boolean;
  readonly jsonrpc?: ScannedValue;
  readonly method?: ScannedValue;
  readonly id?: ScannedValue;
  readonly params?: ScannedValue;
  readonly result?: ScannedValue;
  readonly error?: ScannedValue;
  /** `result.resultType`. */
  readonly resultType?: ScannedValue;
  readonly errorCode?: ScannedValue;
  readonly errorMessage?: ScannedValue;
}

type Field = Exclude<keyof ScannedFrame, 'type' | 'duplicateKey'>;

// Objects whose keys are tracked, by depth-1 member name; the rest are only validated.
const TOP_FIELDS: Readonly<Record<string, Field>> = {
  jsonrpc: 'jsonrpc',
  method: 'method',
  id: 'id',
  params: 'params',
  result: 'result',
  error: 'error',
};
const RESULT_FIELDS: Readonly<Record<string, Field>> = { resultType: 'resultType' };
const ERROR_FIELDS: Readonly<Record<string, Field>> = {
  code: 'errorCode',
  message: 'errorMessage',
};
/** Values decoded for a field; others keep only their type (an error message can be large). */
const DECODED = new Set<Field>(['jsonrpc', 'method', 'id', 'resultType', 'errorCode']);

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

/** One object being read whose keys matter: their spellings, and which fields they fill. */
interface TrackedObject {
  readonly fields: Readonly<Record<string, Field>>;
  /** A set, not a list: a hostile frame may hold a million top-level keys. */
  readonly keys: Set<string>;
}

/**
 * Reads one frame (`bytes[start, end)`) with the full RFC 8259 grammar, as JSON.parse would read
 * its UTF-8 decoding. Returns undefined when JSON.parse would refuse it, or when the bytes are not
 * valid UTF-8 (then decoding would replace characters, and only the slow path knows the result).
 */
export function scanFrame(bytes: Buffer, start = 0, end = bytes.length): ScannedFrame | undefined {
  if (!isUtf8(bytes.subarray(start, end))) return undefined;
  try {
    return new Scanner(bytes.subarray(start, end)).scan();
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
        if (field !== undefined) this.#out[field] = { type };
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
      if (type === 'string') {
        const escaped = this.#string();
        if (field !== undefined) {
          this.#out[field] = DECODED.has(field)
            ? { type, value: this.#decode(start, this.#i, escaped) }
            : { type };
        }
      } else if (type === 'number') {
        this.#number();
        if (field !== undefined) {
          this.#out[field] = DECODED.has(field)
            ? { type, value: Number(this.#b.toString('latin1', start, this.#i)) }
            : { type };
        }
      } else {
        const c = this.#at();
        this.#literal(c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL);
        if (field !== undefined) this.#out[field] = { type };
      }
      return;
    }
  }

  /** An object opened where the relay cares about its keys: the top level, `result`, `error`. */
  #tracked(field: Field | undefined): TrackedObject | true {
    const depth = this.#stack.length;
    if (depth === 0) return { fields: TOP_FIELDS, keys: new Set() };
    if (depth === 1 && field === 'result') return { fields: RESULT_FIELDS, keys: new Set() };
    if (depth === 1 && field === 'error') return { fields: ERROR_FIELDS, keys: new Set() };
    return true;
  }

  /** Reads `"key"` and `:`; for tracked objects notes duplicates and the field it names. */
  #key(open: TrackedObject | true): void {
    if (this.#at() !== QUOTE) throw new NotJson();
    const start = this.#i;
    const escaped = this.#string();
    if (open !== true) {
      const key = this.#decode(start, this.#i, escaped);
      if (open.keys.has(key)) this.#out.duplicateKey = true;
      open.keys.add(key);
      this.#field = Object.hasOwn(open.fields, key) ? open.fields[key] : undefined;
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

  /** The string between quotes at [start, end), as JSON.parse reads it. */
  #decode(start: number, end: number, escaped: boolean): string {
    if (escaped) return JSON.parse(this.#b.toString('utf8', start, end)) as string;
    return this.#b.toString('utf8', start + 1, end - 1);
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

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
