import fc from 'fast-check';
import { spellJsonString } from '../../fixtures/adversarial-json-spelling.mjs';

/**
 * Frames that try to make the shim judge one message while the server's parser reads another:
 * names and methods in every escape, duplicate keys (which one wins?), ids in odd number spellings,
 * deep nesting, invalid UTF-8 bytes, lone surrogates, BOMs, whitespace variants, huge strings.
 */
export interface FrameSpec {
  readonly method: string;
  readonly extraMethod: string | null; // a duplicate "method" member
  readonly idSpelling: number; // index into idSpellings; -1 = notification
  readonly name: string;
  readonly extraName: string | null; // a duplicate "name" member
  readonly nameFirst: boolean; // where the duplicate goes
  readonly cmd: string;
  readonly extraCmd: string | null;
  readonly extraParams: boolean; // a second "params" member with the name and cmd swapped
  readonly protoName: boolean; // the name also under a "__proto__" key
  readonly nesting: number;
  readonly padding: number;
  readonly whitespace: string;
  readonly bom: boolean;
  readonly badBytes: number; // index into BAD_BYTES; -1 = none
  readonly choices: readonly number[];
}

const METHODS = [
  'tools/call',
  'danger/method',
  'ping',
  'notifications/x',
  'tools\u2215call',
  'Tools/call',
];
const NAMES = [
  'danger',
  'echo',
  'Danger',
  'danger\u0000',
  'danger\ud800',
  'dan\u200bger',
  'danger ',
  '\u0434anger',
  'dange\u0072',
];
const CMDS = ['rm', 'ls', 'RM', 'rm\u0000', 'r\u006d', '\uff52m'];
/** JSON whitespace (' ', \t, \r, \n is a frame end so never) and things that look like it. */
const WHITESPACE = [
  '',
  ' ',
  '\t',
  '\r',
  ' \t\r ',
  '\u00a0',
  '\u000b',
  '\u000c',
  '\u2028',
  '\ufeff',
];
/** Byte sequences that are not UTF-8: a lone continuation, an overlong "/", a surrogate, 0xff. */
export const BAD_BYTES = [
  Buffer.from([0x80]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xff]),
  Buffer.from([0xe2, 0x88]),
];

export function idSpellings(n: number): string[] {
  return [
    `${n}`,
    `${n}.0`,
    `${n}e0`,
    `${n}0e-1`,
    `${n}E+0`,
    `${n}.00000000000000001`,
    `"${n}"`,
    `-0`,
    `${n}00000000000000000000`,
  ];
}

/** Mostly `usual`, sometimes one of `odd`: a frame with every oddity at once is simply refused. */
function mostly<T>(usual: T, odd: readonly T[]): fc.Arbitrary<T> {
  return fc.oneof(
    { arbitrary: fc.constant(usual), weight: 5 },
    { arbitrary: fc.constantFrom(...odd), weight: 1 },
  );
}

export const frameSpecArbitrary: fc.Arbitrary<FrameSpec> = fc.record({
  method: fc.oneof(
    { arbitrary: fc.constant('tools/call'), weight: 3 },
    { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
  ),
  extraMethod: mostly<string | null>(null, METHODS),
  idSpelling: fc.integer({ min: -1, max: 8 }),
  name: fc.constantFrom(...NAMES, 'danger', 'echo', 'danger', 'echo'),
  extraName: mostly<string | null>(null, NAMES),
  nameFirst: fc.boolean(),
  cmd: fc.constantFrom(...CMDS, 'rm', 'ls'),
  extraCmd: mostly<string | null>(null, CMDS),
  extraParams: mostly(false, [true]),
  protoName: mostly(false, [true]),
  nesting: mostly(0, [3, 64, 600, 5000]),
  padding: mostly(0, [16, 70_000, 600_000]),
  whitespace: mostly('', WHITESPACE),
  bom: mostly(false, [true]),
  badBytes: mostly(
    -1,
    BAD_BYTES.map((_, k) => k),
  ),
  choices: fc.array(fc.nat(7), { maxLength: 24 }),
});

/** The frame's bytes, without the newline. `n` makes the id unique per case. */
export function buildFrame(spec: FrameSpec, n: number): Buffer {
  const ws = spec.whitespace;
  let c = 0;
  const str = (value: string): string =>
    spellJsonString(value, spec.choices.slice(c++ % Math.max(spec.choices.length, 1)));
  const member = (key: string, value: string): string => `${ws}${str(key)}${ws}:${ws}${value}`;
  const object = (members: readonly string[]): string => `{${members.join(',')}${ws}}`;
  const nameMembers = [member('name', str(spec.name))];
  if (spec.extraName !== null) {
    nameMembers[spec.nameFirst ? 'unshift' : 'push'](member('name', str(spec.extraName)));
  }
  const argMembers = [member('cmd', str(spec.cmd))];
  if (spec.extraCmd !== null) argMembers.push(member('cmd', str(spec.extraCmd)));
  if (spec.nesting > 0)
    argMembers.push(member('nested', '['.repeat(spec.nesting) + ']'.repeat(spec.nesting)));
  if (spec.padding > 0) argMembers.push(member('pad', `"${'x'.repeat(spec.padding)}"`));
  const params = (swap: boolean): string =>
    object([
      ...(swap ? [member('name', str(spec.extraName ?? 'echo'))] : nameMembers),
      ...(spec.protoName ? [member('__proto__', object([member('name', str('danger'))]))] : []),
      member('arguments', object(swap ? [member('cmd', str(spec.extraCmd ?? 'ls'))] : argMembers)),
    ]);
  const members = [member('jsonrpc', str('2.0'))];
  if (spec.idSpelling >= 0)
    members.push(`${ws}${str('id')}${ws}:${ws}${idSpellings(n)[spec.idSpelling] ?? n}`);
  members.push(member('method', str(spec.method)));
  if (spec.extraMethod !== null) members.push(member('method', str(spec.extraMethod)));
  members.push(member('params', params(false)));
  if (spec.extraParams) members.push(member('params', params(true)));
  const text = `${spec.bom ? '\ufeff' : ''}${ws}${object(members)}${ws}`;
  const bytes = Buffer.from(text, 'utf8');
  if (spec.badBytes < 0) return bytes;
  // Put the invalid bytes inside the first string that holds the tool name or the method.
  const bad = BAD_BYTES[spec.badBytes]!;
  const at = bytes.indexOf(spec.choices.length % 2 === 0 ? 'ger' : 'call');
  if (at < 0) return Buffer.concat([bytes.subarray(0, 1), bad, bytes.subarray(1)]);
  return Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)]);
}
