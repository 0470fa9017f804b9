import fc from 'fast-check';
import type { ConfinementTree } from './confinement-tree.js';

/** A tool as server-filesystem lists it (only what argument generation needs). */
export interface ListedTool {
  readonly name: string;
  readonly inputSchema: {
    readonly properties?: Record<
      string,
      { type?: string; items?: { type?: string }; enum?: unknown[] }
    >;
    readonly required?: readonly string[];
  };
}

export interface ToolCall {
  readonly name: string;
  readonly arguments: Record<string, unknown>;
}

/** Tools that change the file namespace: the barrier calls of issue 10, finding 2. */
export const NAMESPACE_TOOLS = ['move_file', 'write_file', 'create_directory', 'edit_file'];

/** Names in and around the fixture tree (see confinement-tree.ts), plus spellings that attack. */
const SEGMENTS = [
  'a.txt',
  'sub',
  'b.txt',
  'p',
  'q',
  'new',
  'x.txt',
  'lnk',
  'dlnk',
  'lnk-file',
  'lnk-dir',
  'evil-lnk',
  'in-lnk',
  'abs-in-lnk',
  'dangling',
  'dangling-target',
  'caf\u00e9',
  'cafe\u0301',
  'c.txt',
  'canary.txt',
  'deep',
  'outside',
  'root',
  'root-evil',
  'r\u043eot',
  '..',
  '.',
  '',
  '...',
  '%2e%2e',
  '..%2f',
  '~',
  'root\u0000',
  ' ',
  'sub ',
  '..\\outside',
];
/** Names a race is built from: a directory holding links out, and where it may be moved. */
const RACE_SEGMENTS = ['p', 'q', 'new', 'sub', 'lnk', 'dlnk', 'a.txt', 'canary.txt', 'in-lnk'];

function prefixes(tree: ConfinementTree): string[] {
  const { root, base } = tree;
  return [
    `${root}/`,
    `${root}//`,
    `${root}/./`,
    '',
    './',
    'root/',
    '~/root/',
    '~/',
    `${base}/`,
    `file://${root}/`,
    `file:${root}/`,
    `file://localhost${root}/`,
    `FILE://${root}/`,
    `/proc/self/root${root}/`,
    '/proc/self/cwd/root/',
    '/proc/self/cwd/',
    '/proc/self/fd/../cwd/',
    `${base}/root-evil/`,
    `${root}-evil/`,
    `${root}/../outside/`,
    `${root}/../root-evil/`,
    `/${root}/`,
  ];
}

type Spelling =
  | 'plain'
  | 'nfd'
  | 'nfc'
  | 'percent-dots'
  | 'percent-all'
  | 'uri-encode'
  | 'trailing-slash'
  | 'double-slashes';

function spell(path: string, how: Spelling): string {
  switch (how) {
    case 'plain':
      return path;
    case 'nfd':
      return path.normalize('NFD');
    case 'nfc':
      return path.normalize('NFC');
    case 'percent-dots':
      return path.replace(/\./g, '%2e');
    case 'percent-all':
      return path.replace(/[./]/g, (c) => (c === '.' ? '%2E' : '%2F'));
    case 'uri-encode':
      return encodeURI(path);
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slashes':
      return path.replace(/\//g, '//');
  }
}

/** Paths from the grammar: prefix, segments, separators, spelling. Biased toward the fixture root. */
export function pathArbitrary(tree: ConfinementTree): fc.Arbitrary<string> {
  const grammar = fc
    .tuple(
      fc.constantFrom(...prefixes(tree)),
      fc.array(fc.constantFrom(...SEGMENTS), { minLength: 0, maxLength: 4 }),
      fc.constantFrom<Spelling>(
        'plain',
        'plain',
        'nfd',
        'nfc',
        'percent-dots',
        'percent-all',
        'uri-encode',
        'trailing-slash',
        'double-slashes',
      ),
    )
    .map(([prefix, segments, how]) => spell(prefix + segments.join('/'), how));
  const race = fc
    .array(fc.constantFrom(...RACE_SEGMENTS), { minLength: 1, maxLength: 2 })
    .map((segments) => `${tree.root}/${segments.join('/')}`);
  return fc.oneof({ arbitrary: grammar, weight: 3 }, { arbitrary: race, weight: 2 });
}

function valueArbitrary(
  key: string,
  schema: { type?: string; items?: { type?: string }; enum?: unknown[] },
  path: fc.Arbitrary<string>,
): fc.Arbitrary<unknown> {
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  if (key === 'edits') {
    return fc.constant([{ oldText: 'inside', newText: 'ADVEDIT' }]);
  }
  if (key === 'content') return fc.constant('ADVWRITE\n');
  if (key === 'pattern') return fc.constantFrom('*', '**', '*.txt', 'canary*', '**/canary.txt');
  if (schema.type === 'string')
    return /path|source|destination|dir|file/i.test(key) ? path : fc.constant('x');
  if (schema.type === 'array') {
    return schema.items?.type === 'string' && /path|file/i.test(key)
      ? fc.array(path, { minLength: 1, maxLength: 2 })
      : fc.constant([]);
  }
  if (schema.type === 'number' || schema.type === 'integer') return fc.integer({ min: 1, max: 3 });
  if (schema.type === 'boolean') return fc.boolean();
  return fc.constant({});
}

/** A call of `tool` with every argument generated from its input schema (paths from the grammar). */
export function callArbitrary(
  tool: ListedTool,
  path: fc.Arbitrary<string>,
): fc.Arbitrary<ToolCall> {
  const properties = tool.inputSchema.properties ?? {};
  const required = new Set(tool.inputSchema.required ?? []);
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, schema] of Object.entries(properties)) {
    // Optional knobs other than paths (head, tail, excludePatterns…) stay out unless required.
    if (!required.has(key) && !/path|source|destination/i.test(key)) continue;
    fields[key] = valueArbitrary(key, schema, path);
  }
  return fc
    .record(fields, { requiredKeys: [...required].filter((key) => key in fields) })
    .map((args) => ({ name: tool.name, arguments: args }));
}

/**
 * A namespace race (issue 10, finding 2): move a directory that holds links out of the root to a
 * new name, and in the same breath use a path under the new name, which does not exist yet.
 */
function raceArbitrary(
  tools: readonly ListedTool[],
  tree: ConfinementTree,
): fc.Arbitrary<ToolCall[]> {
  const { root } = tree;
  const follow = fc
    .tuple(
      fc.constantFrom('q', 'new'),
      fc.constantFrom('lnk', 'dlnk', 'dlnk/canary.txt', 'dlnk/x.txt', 'b.txt', ''),
    )
    .map(([dir, rest]) => `${root}/${dir}/${rest}`);
  const move = fc
    .tuple(fc.constantFrom('p', 'sub', 'in-lnk', 'lnk-dir'), fc.constantFrom('q', 'new'))
    .map(([from, to]) => ({
      name: 'move_file',
      arguments: { source: `${root}/${from}`, destination: `${root}/${to}` },
    }));
  const followers = fc.oneof(...tools.map((tool) => callArbitrary(tool, follow)));
  return fc
    .tuple(move, fc.array(followers, { minLength: 1, maxLength: 3 }))
    .map(([m, rest]) => [m, ...rest]);
}

/** A pipelined case: 1-4 calls over every listed tool, namespace-changing calls weighted up. */
export function caseArbitrary(
  tools: readonly ListedTool[],
  tree: ConfinementTree,
): fc.Arbitrary<ToolCall[]> {
  const path = pathArbitrary(tree);
  const any = fc.oneof(...tools.map((tool) => callArbitrary(tool, path)));
  const changers = tools.filter((tool) => NAMESPACE_TOOLS.includes(tool.name));
  const changer =
    changers.length > 0 ? fc.oneof(...changers.map((t) => callArbitrary(t, path))) : any;
  const general = fc.array(
    fc.oneof({ arbitrary: any, weight: 3 }, { arbitrary: changer, weight: 2 }),
    {
      minLength: 1,
      maxLength: 4,
    },
  );
  return fc.oneof(
    { arbitrary: general, weight: 3 },
    { arbitrary: raceArbitrary(tools, tree), weight: 1 },
  );
}
