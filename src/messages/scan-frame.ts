import { isUtf8 } from 'node:buffer';
import {
  hasEscapes,
  skipLiteral,
  skipNumber,
  skipSpace,
  skipString,
  stringEnd,
} from './json-tokens.js';
import { decodeString, ScannedValue, type JsonType } from './scanned-value.js';

export { ScannedValue, type JsonType } from './scanned-value.js';

/** What the relay needs to know about a frame, read from its bytes without building objects. */
export interface ScannedFrame {
  readonly type: JsonType;
  /** A member the relay reads repeats: in the top-level object, or in its `result` or `error`. */
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
/** Tracked member names by `(byte length with quotes) << 8 | first letter`, then compared whole. */
type Names = ReadonlyMap<
  number,
  { readonly bytes: Buffer; readonly name: string; readonly field: Field }
>;

function names(entries: readonly (readonly [string, Field])[]): Names {
  const table = new Map<number, { bytes: Buffer; name: string; field: Field }>();
  for (const [name, field] of entries) {
    const bytes = Buffer.from(`"${name}"`);
    const slot = (bytes.length << 8) | (bytes[1] ?? 0);
    if (table.has(slot)) throw new Error(`Two tracked names share a slot: ${name}`);
    table.set(slot, { bytes, name, field });
  }
  return table;
}

// Objects whose keys are tracked, and the members the relay reads from them. A repeated key is
// noted only among these: other members do not change what the relay decides, and the frame is
// forwarded byte for byte either way (as the slow path forwards it).
const TOP_FIELDS = names([
  ['jsonrpc', 'jsonrpc'],
  ['method', 'method'],
  ['id', 'id'],
  ['params', 'params'],
  ['result', 'result'],
  ['error', 'error'],
]);
const RESULT_FIELDS = names([['resultType', 'resultType']]);
const ERROR_FIELDS = names([
  ['code', 'errorCode'],
  ['message', 'errorMessage'],
]);

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
// Open containers on the stack.
const ARRAY = 0;
const OBJECT = 1;
const TRACKED_OBJECT = 2;

/**
 * Reads one frame (`bytes[start, end)`) with the full RFC 8259 grammar, as JSON.parse would read
 * its UTF-8 decoding. Returns undefined when JSON.parse would refuse it, or when the bytes are not
 * valid UTF-8 (then decoding would replace characters, and only the slow path knows the result).
 * `checkedUtf8`: the caller already knows the range is valid UTF-8 (checked a whole chunk at once).
 */
export function scanFrame(
  bytes: Buffer,
  start = 0,
  end = bytes.length,
  checkedUtf8 = false,
): ScannedFrame | undefined {
  if (!checkedUtf8 && !isUtf8(bytes.subarray(start, end))) return undefined;
  const out: { -readonly [K in keyof ScannedFrame]: ScannedFrame[K] } = {
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
  const b = bytes;
  const stack: number[] = [];
  // Tracked objects sit at depth 1 (the top level) and 2 (its `result` or `error`).
  let inner = TOP_FIELDS;
  let i = skipSpace(b, start, end);
  out.type = typeAt(b, i, end);
  /** The field the next value fills (set after a tracked key). */
  let field: Field | undefined;

  for (;;) {
    // A value at `i`: a scalar, or a container, opened and read up to its first value.
    const type = typeAt(b, i, end);
    const valueStart = i;
    const valueField = field;
    field = undefined;
    if (type === 'object' || type === 'array') {
      if (valueField !== undefined) out[valueField] = new ScannedValue(b, type, i, i, false);
      const close = type === 'object' ? 0x7d : 0x5d;
      i = skipSpace(b, i + 1, end);
      if (i < end && b[i] === close) {
        i++;
      } else {
        let open = ARRAY;
        if (type === 'object') {
          const names = trackedNames(stack.length, valueField);
          open = names === undefined ? OBJECT : TRACKED_OBJECT;
          if (names !== undefined && names !== TOP_FIELDS) inner = names;
        }
        stack.push(open);
        if (open !== ARRAY) {
          i = readKey(
            b,
            i,
            end,
            open === TRACKED_OBJECT ? (stack.length === 1 ? TOP_FIELDS : inner) : undefined,
            out,
          );
          if (i < 0) return undefined;
          field = keyField;
        }
        continue;
      }
    } else {
      let escaped = false;
      if (type === 'string') {
        const skipped = skipString(b, i, end);
        escaped = hasEscapes(skipped);
        i = skipped === -1 ? -1 : stringEnd(skipped);
      } else if (type === 'number') {
        i = skipNumber(b, i, end);
      } else {
        i = skipLiteral(b, i, end, type === 'null' ? NULL : b[i] === 0x74 ? TRUE : FALSE);
      }
      if (i < 0) return undefined;
      if (valueField !== undefined) {
        out[valueField] = new ScannedValue(b, type, valueStart, i, escaped);
      }
    }
    // After a value: close containers, or move past a comma to the next value.
    for (;;) {
      i = skipSpace(b, i, end);
      const open = stack[stack.length - 1];
      if (open === undefined) return i === end ? out : undefined;
      if (i >= end) return undefined;
      const c = b[i];
      if (c === 0x2c) {
        if (open !== ARRAY) {
          const object =
            open === TRACKED_OBJECT ? (stack.length === 1 ? TOP_FIELDS : inner) : undefined;
          i = readKey(b, skipSpace(b, i + 1, end), end, object, out);
          if (i < 0) return undefined;
          field = keyField;
        } else {
          i = skipSpace(b, i + 1, end);
        }
        break;
      }
      if (c !== (open === ARRAY ? 0x5d : 0x7d)) return undefined;
      i++;
      stack.pop();
    }
  }
}

/** Set by readKey: the field the key names in its tracked object, if any. */
let keyField: Field | undefined;

/**
 * Reads `"key"`, `:` and the space after; returns the index of the value, or -1. In a tracked
 * object, sets keyField, and notes in `out` a field read before.
 */
function readKey(
  b: Buffer,
  i: number,
  end: number,
  tracked: Names | undefined,
  out: Pick<ScannedFrame, Field> & { duplicateKey: boolean },
): number {
  keyField = undefined;
  if (i >= end || b[i] !== 0x22) return -1;
  const keyStart = i;
  const skipped = skipString(b, i, end);
  if (skipped === -1) return -1;
  i = stringEnd(skipped);
  if (tracked !== undefined) {
    keyField = fieldNamed(b, tracked, keyStart, i, hasEscapes(skipped));
    if (keyField !== undefined && out[keyField] !== undefined) out.duplicateKey = true;
  }
  i = skipSpace(b, i, end);
  if (i >= end || b[i] !== 0x3a) return -1;
  return skipSpace(b, i + 1, end);
}

function typeAt(b: Buffer, i: number, end: number): JsonType {
  const c = i < end ? b[i] : -1;
  if (c === 0x7b) return 'object';
  if (c === 0x5b) return 'array';
  if (c === 0x22) return 'string';
  if (c === 0x74 || c === 0x66) return 'boolean';
  if (c === 0x6e) return 'null';
  return 'number';
}

/** The names to track in an object opened at `depth` as the value of `field`, if any. */
function trackedNames(depth: number, field: Field | undefined): Names | undefined {
  if (depth === 0) return TOP_FIELDS;
  if (depth === 1 && field === 'result') return RESULT_FIELDS;
  if (depth === 1 && field === 'error') return ERROR_FIELDS;
  return undefined;
}

/** The field a key (`bytes[start, end)`, quotes included) names in a tracked object, if any. */
function fieldNamed(
  bytes: Buffer,
  names: Names,
  start: number,
  end: number,
  escaped: boolean,
): Field | undefined {
  if (escaped) {
    // Escapes can spell a name another way ("\u0069d" is "id").
    const key = decodeString(bytes, start, end, true);
    for (const entry of names.values()) if (entry.name === key) return entry.field;
    return undefined;
  }
  const entry = names.get(((end - start) << 8) | (bytes[start + 1] ?? 0));
  if (entry === undefined) return undefined;
  const name = entry.bytes;
  for (let k = 2; k < name.length; k++) if (bytes[start + k] !== name[k]) return undefined;
  return entry.field;
}
