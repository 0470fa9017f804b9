import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/messages/classify-message.js';
import { classifyScan } from '../../src/messages/classify-scan.js';
import { findDuplicateKey } from '../../src/messages/find-duplicate-key.js';
import { isJsonObject } from '../../src/core/json-rpc.js';
import { scanFrame, type JsonType, type ScannedFrame } from '../../src/messages/scan-frame.js';
import { randomInt, seededRandom } from '../framing/seeded-random.js';

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean' || type === 'object')
    return type;
  throw new Error(`not a JSON value of type ${type}`);
}

const FIELDS: [
  Exclude<keyof ScannedFrame, 'type' | 'duplicateKey'>,
  (v: Record<string, unknown>) => [boolean, unknown],
][] = [
  ['jsonrpc', (v) => ['jsonrpc' in v, v.jsonrpc]],
  ['method', (v) => ['method' in v, v.method]],
  ['id', (v) => ['id' in v, v.id]],
  ['params', (v) => ['params' in v, v.params]],
  ['result', (v) => ['result' in v, v.result]],
  ['error', (v) => ['error' in v, v.error]],
  ['resultType', (v) => member(v.result, 'resultType')],
  ['errorCode', (v) => member(v.error, 'code')],
  ['errorMessage', (v) => member(v.error, 'message')],
];

function member(parent: unknown, key: string): [boolean, unknown] {
  return isJsonObject(parent) && key in parent ? [true, parent[key]] : [false, undefined];
}

/** The scanner must agree with JSON.parse (and classifyMessage) on every frame. */
function expectAgreement(bytes: Buffer, label: string): ScannedFrame | undefined {
  const scan = scanFrame(bytes);
  if (!isUtf8(bytes)) {
    expect(scan, `${label}: invalid UTF-8 goes to the slow path`).toBeUndefined();
    return scan;
  }
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    expect(scan, `${label}: JSON.parse refuses it`).toBeUndefined();
    return scan;
  }
  if (scan === undefined) throw new Error(`${label}: JSON.parse accepts ${JSON.stringify(text)}`);
  expect(scan.type, label).toBe(jsonType(parsed));
  if (findDuplicateKey(text) === undefined) expect(scan.duplicateKey, label).toBe(false);
  else if (scan.duplicateKey) expect(findDuplicateKey(text), label).toBeDefined();
  if (!isJsonObject(parsed) || scan.duplicateKey) return scan;
  for (const [field, read] of FIELDS) {
    const [present, value] = read(parsed);
    const scanned = scan[field];
    if (!present) {
      expect(scanned, `${label}: ${field}`).toBeUndefined();
      continue;
    }
    expect(scanned, `${label}: ${field}`).toMatchObject({ type: jsonType(value) });
    if (typeof value === 'string' || typeof value === 'number') {
      expect(Object.is(scanned?.value, value), `${label}: ${field} value`).toBe(true);
    } else {
      expect(scanned?.value, `${label}: ${field} value`).toBeUndefined();
    }
    if (typeof value === 'string' && Buffer.byteLength(value) === value.length) {
      expect(scanned?.isString(value), `${label}: ${field} isString`).toBe(true);
      expect(scanned?.isString(value + 'x'), `${label}: ${field} isString`).toBe(false);
    }
  }
  const message = classifyMessage(parsed);
  const fast = classifyScan(scan);
  if (message.kind === 'request' || message.kind === 'invalid') {
    expect(fast.kind, label).toBe('other');
  } else {
    expect(fast.kind, label).toBe(message.kind);
    if (fast.kind === 'notification' && message.kind === 'notification')
      expect(fast.method.value).toBe(message.method);
    if (fast.kind !== 'notification' && fast.kind !== 'other' && 'id' in message)
      expect(Object.is(fast.id, message.id), `${label}: id`).toBe(true);
    if (fast.kind === 'response' && message.kind === 'response') {
      const resultType = message.result.resultType;
      expect(fast.resultType).toBe(typeof resultType === 'string' ? resultType : undefined);
    }
  }
  return scan;
}

const agree = (text: string) => expectAgreement(Buffer.from(text, 'utf8'), text.slice(0, 80));

const HAND_WRITTEN = [
  // shapes the relay cares about
  '{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":1}}',
  '{"jsonrpc":"2.0","id":7,"result":{"content":[{"type":"text","text":"hi"}]}}',
  '{"jsonrpc":"2.0","id":"a","result":{"resultType":"input_required","inputRequests":{}}}',
  '{"jsonrpc":"2.0","id":"a","result":{"resultType":"complete"}}',
  '{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"no"}}',
  '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse"}}',
  '{"jsonrpc":"2.0","id":3,"error":{"code":"x","message":"no"}}',
  '{"jsonrpc":"2.0","id":3,"error":{"code":1}}',
  '{"jsonrpc":"2.0","id":1,"method":"ping"}',
  '{"jsonrpc":"2.0","method":"x","params":[1]}',
  '{"jsonrpc":"2.0","method":5}',
  '{"jsonrpc":2.0,"method":"x"}',
  '{"jsonrpc":"2.0","id":true,"result":{}}',
  '{"jsonrpc":"2.0","id":1,"result":[]}',
  '{"jsonrpc":"2.0","id":1}',
  '{"jsonrpc":"2\\u002e0","\\u006dethod":"a\\/b"}',
  '{"jsonrpc":"2.0","\\u0069d":5,"result":{"\\u0072esultType":"input_required"}}',
  // ids as numbers: JSON.parse's reading is the only one that counts
  ...['-0', '0', '1e400', '-1e400', '1180591620717411303424', '1.5', '1E2', '1e-400', '0.0'].map(
    (n) => `{"jsonrpc":"2.0","id":${n},"result":{}}`,
  ),
  // duplicates
  '{"jsonrpc":"2.0","id":1,"id":2,"result":{}}',
  '{"jsonrpc":"2.0","id":1,"\\u0069d":2,"result":{}}',
  '{"jsonrpc":"2.0","id":1,"result":{"resultType":"complete","resultType":"input_required"}}',
  '{"jsonrpc":"2.0","id":1,"error":{"code":1,"message":"a","code":"b"}}',
  '{"jsonrpc":"2.0","id":1,"result":{"a":{"x":1,"x":2}}}',
  '{"jsonrpc":"2.0","method":"m","params":{"x":1,"x":2}}',
  // strings
  '{"a":"\\ud83d\\ude00","b":"😀","c":"\\ud800","d":"\\udc00\\ud800","e":"\\"\\\\\\/\\b\\f\\n\\r\\t"}',
  '{"a":"\\u00e9\\u00E9","b":"日本","c":"\u007f"}',
  '"just a string"',
  // scalars and containers
  '1',
  '-0',
  'true',
  'false',
  'null',
  '[]',
  '{}',
  '[[]]',
  '[{}]',
  '{"a":[]}',
  ' \t\r{ "a" : [ 1 , 2 ] } \r\t ',
  // invalid
  '',
  ' ',
  '{',
  '}',
  '[',
  '{"a"}',
  '{"a":}',
  '{"a":1,}',
  '[1,]',
  '[,1]',
  '{,}',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '{"a":1}x',
  '{}{}',
  '[] []',
  '01',
  '1.',
  '.5',
  '+1',
  '-',
  '1e',
  '1e+',
  '--1',
  '0x1',
  'NaN',
  'Infinity',
  'tru',
  'nul',
  'truex',
  'True',
  '"\\x"',
  '"\\\'"',
  '"\\u00zz"',
  '"\\u12"',
  '"a\tb"',
  '"a\u0000b"',
  '"unterminated',
  '{"a":"b\\"}',
  '\u00a0{}',
  '\u000b{}',
  '\u000c{}',
  '\ufeff{}',
  '{}\u2028',
  '1 2',
];

describe('scanFrame', () => {
  it('agrees with JSON.parse on hand-written frames: escapes, numbers, duplicates, bad grammar', () => {
    for (const text of HAND_WRITTEN) agree(text);
  });

  it('reads the id, method and resultType the relay decides by', () => {
    const infinite = agree('{"jsonrpc":"2.0","id":1e400,"result":{}}')?.id;
    expect([infinite?.type, infinite?.value]).toEqual(['number', Infinity]);
    const scan = agree(
      '{"jsonrpc":"2.0","id":"x\\u0079","result":{"resultType":"input_required"}}',
    );
    expect(scan && classifyScan(scan)).toEqual({
      kind: 'response',
      id: 'xy',
      resultType: 'input_required',
    });
  });

  it('reports repeated members the relay reads, in the top level, result and error', () => {
    expect(agree('{"jsonrpc":"2.0","id":1,"\\u0069d":2,"result":{}}')?.duplicateKey).toBe(true);
    const inResult = agree('{"jsonrpc":"2.0","id":1,"result":{"resultType":1,"resultType":2}}');
    expect(inResult?.duplicateKey).toBe(true);
    expect(inResult && classifyScan(inResult)).toEqual({ kind: 'other' });
    expect(agree('{"jsonrpc":"2.0","id":1,"result":{"a":1,"b":2}}')?.duplicateKey).toBe(false);
    // Members the relay reads, however spelled; other members repeat harmlessly (forwarded as is).
    const many = Array.from({ length: 20 }, (_, k) => `"k${k}":${k}`).join(',');
    expect(agree(`{${many},"id":1,"result":{}}`)?.duplicateKey).toBe(false);
    expect(agree(`{${many},"id":1,"result":{},"k3":0}`)?.duplicateKey).toBe(false);
    expect(agree(`{"id":1,${many},"\\u0069d":2,"result":{}}`)?.duplicateKey).toBe(true);
    expect(agree('{"error":{"code":1,"message":"a","\\u0063ode":2}}')?.duplicateKey).toBe(true);
    expect(agree('{"result":{"resultType":"a"},"error":{"resultType":"b"}}')?.duplicateKey).toBe(
      false,
    );
  });

  it('sends bytes that are not valid UTF-8 to the slow path', () => {
    for (const bytes of [
      [0xff],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xe6, 0x97],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const frame = Buffer.concat([Buffer.from('{"a":"'), Buffer.from(bytes), Buffer.from('"}')]);
      expect(expectAgreement(frame, `bytes ${bytes.join(',')}`)).toBeUndefined();
    }
  });

  it('agrees at every truncation of a frame and with a byte of garbage appended', () => {
    const text =
      '{"jsonrpc":"2.0","id":-12.5e3,"result":{"resultType":"complete","a":[true,false,null,{"b":"\\u00e9\\n"}],"c":"日"}}';
    const bytes = Buffer.from(text);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const alone = expectAgreement(bytes.subarray(0, cut), `cut ${cut}`);
      // Within the whole buffer, the bytes after `cut` must not be read.
      expect(scanFrame(bytes, 0, cut) === undefined, `range cut ${cut}`).toBe(alone === undefined);
      expect(scanFrame(bytes, 0, cut, true) === undefined, `range cut ${cut}`).toBe(
        alone === undefined,
      );
      for (const extra of [' ', '}', ']', ',', '0', 'x', '"'])
        expectAgreement(
          Buffer.concat([bytes.subarray(0, cut), Buffer.from(extra)]),
          `cut ${cut}+${extra}`,
        );
    }
  });

  it('reads deeply nested frames without recursion', () => {
    const depth = 100_000;
    agree('['.repeat(depth) + ']'.repeat(depth));
    agree('{"a":'.repeat(depth) + '1' + '}'.repeat(depth));
    agree('['.repeat(depth) + ']'.repeat(depth - 1));
  });

  it('scans only the given range of a larger buffer', () => {
    const bytes = Buffer.from('xx{"jsonrpc":"2.0","method":"m"}\nyy');
    expect(scanFrame(bytes, 2, bytes.indexOf('\n'))?.method?.value).toBe('m');
    expect(scanFrame(bytes, 2, bytes.indexOf('\n') - 1)).toBeUndefined();
  });

  it('agrees with JSON.parse on thousands of generated and mutated frames', () => {
    const random = seededRandom(0x5ca9);
    const seen = new Map<string, number>();
    const note = (scan: ScannedFrame | undefined): void => {
      const key =
        scan === undefined ? 'refused' : scan.duplicateKey ? 'duplicate' : classifyScan(scan).kind;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    };
    for (let round = 0; round < 6000; round++) {
      const text = generateFrame(random);
      note(expectAgreement(Buffer.from(text), `round ${round}: ${text.slice(0, 120)}`));
      const mutated = mutate(random, Buffer.from(text));
      note(
        expectAgreement(
          mutated,
          `round ${round} mutated: ${mutated.toString('utf8').slice(0, 120)}`,
        ),
      );
    }
    // The generator must reach every outcome, or the agreement above proves little.
    for (const kind of ['refused', 'duplicate', 'notification', 'response', 'error', 'other'])
      expect(seen.get(kind), kind).toBeGreaterThan(100);
  });
});

const KEYS = [
  'jsonrpc',
  'id',
  'method',
  'params',
  'result',
  'error',
  'resultType',
  'code',
  'message',
  'a',
  'é',
];
const STRINGS = [
  '2.0',
  'notifications/message',
  'input_required',
  '',
  'é',
  '😀',
  '\ud800',
  '"',
  '\\',
  '\n',
  '\u0001',
  '/',
];
const NUMBERS = [
  '0',
  '-0',
  '1',
  '-1',
  '1e400',
  '2.5',
  '1180591620717411303424',
  '1e-7',
  '0.1E+2',
  '9007199254740993',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[randomInt(random, items.length)];
  if (item === undefined) throw new Error('empty choice');
  return item;
}

function space(random: () => number): string {
  return random() < 0.8 ? '' : pick(random, [' ', '\t', '\r', '  ', ' \r\t']);
}

function stringLiteral(random: () => number, value: string): string {
  const plain = JSON.stringify(value);
  if (random() < 0.7) return plain;
  // Spell some characters as \uXXXX escapes, as other encoders do.
  return (
    '"' +
    // Code points on purpose: a surrogate pair is escaped as two units or kept whole.
    // eslint-disable-next-line @typescript-eslint/no-misused-spread
    [...value]
      .map((c) => (random() < 0.5 ? c : escapeUnits(random, c)))
      .join('')
      .replace(/"/g, '\\"') +
    '"'
  );
}

/** `\\uXXXX` for each UTF-16 unit of `char`, hex digits in either case. */
function escapeUnits(random: () => number, char: string): string {
  let out = '';
  for (let k = 0; k < char.length; k++) {
    const hex = char.charCodeAt(k).toString(16).padStart(4, '0');
    out += `\\u${random() < 0.5 ? hex : hex.toUpperCase()}`;
  }
  return out;
}

function value(random: () => number, depth: number): string {
  const roll = random();
  if (depth > 3 || roll < 0.35) {
    const scalar = randomInt(random, 5);
    if (scalar === 0) return stringLiteral(random, pick(random, STRINGS));
    if (scalar === 1) return pick(random, NUMBERS);
    return pick(random, ['true', 'false', 'null']);
  }
  const count = randomInt(random, 4);
  if (roll < 0.6) {
    const items = Array.from(
      { length: count },
      () => space(random) + value(random, depth + 1) + space(random),
    );
    return `[${items.join(',')}${count === 0 ? space(random) : ''}]`;
  }
  return object(random, depth, count);
}

function object(random: () => number, depth: number, count: number): string {
  const keys = Array.from({ length: count }, () => pick(random, KEYS));
  const members = keys.map(
    (key) =>
      `${space(random)}${stringLiteral(random, key)}${space(random)}:${space(random)}${value(random, depth + 1)}${space(random)}`,
  );
  return `{${members.join(',')}}`;
}

/** Mostly JSON-RPC-shaped objects (with the odd repeated or misspelled member), sometimes anything. */
function generateFrame(random: () => number): string {
  if (random() < 0.15) return space(random) + value(random, 0) + space(random);
  const members: string[] = [`"jsonrpc":${random() < 0.9 ? '"2.0"' : value(random, 3)}`];
  const shape = randomInt(random, 4);
  if (shape === 0 || random() < 0.1)
    members.push(
      `"method":${random() < 0.9 ? stringLiteral(random, pick(random, STRINGS)) : value(random, 3)}`,
    );
  if (shape !== 0 || random() < 0.2)
    members.push(`"id":${random() < 0.5 ? pick(random, NUMBERS) : value(random, 3)}`);
  if (shape === 0 && random() < 0.7) members.push(`"params":${value(random, 1)}`);
  if (shape === 1 || random() < 0.1) {
    const resultType =
      random() < 0.5
        ? `"resultType":${random() < 0.7 ? stringLiteral(random, pick(random, ['input_required', 'complete'])) : value(random, 3)},`
        : '';
    members.push(
      `"result":${random() < 0.9 ? `{${resultType}"x":${value(random, 2)}}` : value(random, 3)}`,
    );
  }
  if (shape === 2 || random() < 0.1) {
    const code = random() < 0.8 ? pick(random, NUMBERS) : value(random, 3);
    const message =
      random() < 0.8 ? stringLiteral(random, pick(random, STRINGS)) : value(random, 3);
    members.push(
      `"error":${random() < 0.9 ? `{"code":${code},"message":${message}}` : value(random, 3)}`,
    );
  }
  if (random() < 0.1) members.push(`"id":${pick(random, NUMBERS)}`);
  for (let k = members.length - 1; k > 0; k--) {
    const j = randomInt(random, k + 1);
    [members[k], members[j]] = [members[j] ?? '', members[k] ?? ''];
  }
  return space(random) + `{${members.join(',')}}` + space(random);
}

/** Flips, drops, duplicates or inserts one byte, or cuts the frame short. */
function mutate(random: () => number, bytes: Buffer): Buffer {
  const at = randomInt(random, bytes.length + 1);
  const kind = randomInt(random, 5);
  const byte = pick(
    random,
    [
      0x22, 0x5c, 0x2c, 0x3a, 0x7b, 0x7d, 0x5b, 0x5d, 0x20, 0x30, 0x65, 0x2d, 0x2e, 0x75, 0x00,
      0x80, 0xff, 0xc3,
    ],
  );
  if (kind === 0) return bytes.subarray(0, at);
  if (kind === 1) return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
  if (kind === 2)
    return Buffer.concat([bytes.subarray(0, at), Buffer.from([byte]), bytes.subarray(at)]);
  if (kind === 3)
    return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + 1), bytes.subarray(at)]);
  const copy = Buffer.from(bytes);
  if (at < copy.length) copy[at] = byte;
  return copy;
}
