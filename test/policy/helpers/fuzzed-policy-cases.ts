/**
 * Seeded random data documents and policy inputs for the default policy, for differential tests:
 * data that configures every data control (tiers with glob server entries, read-only tiers, item
 * and deny lists, allow-lists, scopes, approval, argument rules, disabled methods, roots, pins,
 * rate limits and quotas) and inputs over the principals, servers, tools, operation types,
 * methods, annotations, arguments, approvals, paths, pins and count windows those controls read. Most data is valid; some is not (the policy's
 * own check then denies every message).
 */
import type { PolicyInput } from '../../../src/core/policy-input.js';
import type { DataDocument } from '../../../src/policy/merge-data.js';
import { randomInt, seededRandom } from '../../framing/seeded-random.js';
import { loadCases } from '../conformance-cases.js';

type Random = () => number;

const PRINCIPALS = ['alice', 'bob', 'agent-1', 'ci-bot', 'mallory'];
const ROLES = [[], ['developer'], ['release-admin'], ['developer', 'release-admin']];
const ATTRIBUTES = [
  {},
  { scope: 'read write' },
  { scope: 'admin' },
  { team: 'x' },
  { role: 'read' },
];
const SERVERS = ['echo', 'drive', 'jira', 'server-1', 'ddl'];
const SERVER_PATTERNS = ['echo', 'drive', '*', 'serv*', 'server-?', '{echo,jira}', 'ddl', 'j*a'];
const TOOL_PATTERNS = [
  '*',
  'echo',
  'read_*',
  'issue_*',
  'issue_delete',
  'deploy_*',
  'drop_*',
  '*delete*',
  'get_?',
  '{echo,search}',
  '[a-d]*',
  'server-1_*',
  'a*b',
  'search',
  'deploy_release',
];
const TOOLS = [
  'echo',
  'search',
  'read_file',
  'issue_get',
  'issue_delete',
  'deploy_release',
  'drop_table',
  'delete_x',
  'get_x',
  'server-1_write',
  'axxb',
  'a*b',
  '',
  'ｅcho',
];
const RESOURCE_PATTERNS = ['file:///a/**', 'file:///c', '*', 'file:///a/*'];
const RESOURCES = ['file:///a/b.txt', 'file:///a/b/c.txt', 'file:///c', 'https://x/y'];
const PROMPT_PATTERNS = ['greet', '*', 'g*', 'summ?ry'];
const PROMPTS = ['greet', 'summary', 'other'];
const METHOD_PATTERNS = [
  'logging/setLevel',
  'resources/*',
  'tools/call',
  'notifications/*',
  'prompts/get',
  'custom/*',
];
const TIERS = ['developer', 'ci', 'ro'];

const pick = <T>(random: Random, items: readonly T[]): T =>
  items[randomInt(random, items.length)] as T;
const chance = (random: Random, p: number): boolean => random() < p;
const some = <T>(random: Random, items: readonly T[], max: number): T[] => {
  const count = randomInt(random, max + 1);
  return [...new Set(Array.from({ length: count }, () => pick(random, items)))];
};

function serverEntry(random: Random): unknown {
  if (chance(random, 0.15)) return false;
  const entry: Record<string, unknown> = {};
  if (chance(random, 0.6)) entry.tools = some(random, TOOL_PATTERNS, 4);
  if (chance(random, 0.4)) entry.deny_tools = some(random, TOOL_PATTERNS, 2);
  if (chance(random, 0.2)) entry.resources = some(random, RESOURCE_PATTERNS, 2);
  if (chance(random, 0.15)) entry.deny_resources = some(random, RESOURCE_PATTERNS, 1);
  if (chance(random, 0.2)) entry.prompts = some(random, PROMPT_PATTERNS, 2);
  if (chance(random, 0.15)) entry.deny_prompts = some(random, PROMPT_PATTERNS, 1);
  if (chance(random, 0.15)) entry.read_only = true;
  return entry;
}

function argumentRule(random: Random): Record<string, unknown> {
  const rule: Record<string, unknown> = {};
  if (chance(random, 0.8)) rule.tool = pick(random, TOOL_PATTERNS);
  if (chance(random, 0.3)) rule.server = pick(random, SERVER_PATTERNS);
  if (chance(random, 0.6)) rule.when = { env: 'prod' };
  if (chance(random, 0.3)) rule.when_in = { region: ['eu', 'us'] };
  const effect = randomInt(random, 3);
  if (effect === 0) rule.require_any_role = some(random, ['release-admin', 'developer', 'x'], 2);
  if (effect === 1) rule.require_approval = true;
  if (effect === 2) rule.deny = true;
  if (chance(random, 0.3)) rule.name = `rule-${String(randomInt(random, 9))}`;
  if (chance(random, 0.3)) rule.message = 'Not with these arguments.';
  return rule;
}

/** A rate_limits or quotas entry: a literal or glob tool (or none), perhaps a server and an argument. */
function counterRule(random: Random, field: 'per_minute' | 'per_day'): Record<string, unknown> {
  const rule: Record<string, unknown> = { [field]: randomInt(random, 4) };
  if (chance(random, 0.85))
    rule.tool = chance(random, 0.6) ? pick(random, TOOLS) : pick(random, TOOL_PATTERNS);
  if (chance(random, 0.3)) rule.server = pick(random, SERVER_PATTERNS);
  if (chance(random, 0.2)) rule.per_argument = pick(random, ['env', 'region', '']);
  return rule;
}

/** Adds rate_limits, quotas or both to `data`. */
function counterData(random: Random, data: DataDocument): DataDocument {
  const kinds = randomInt(random, 3);
  if (kinds !== 1)
    data.rate_limits = Array.from({ length: randomInt(random, 4) }, () =>
      counterRule(random, 'per_minute'),
    );
  if (kinds !== 0)
    data.quotas = Array.from({ length: randomInt(random, 3) }, () =>
      counterRule(random, 'per_day'),
    );
  return data;
}

/** A data document: a random subset of the controls, each with random contents. */
export function fuzzedData(random: Random): DataDocument {
  const data: DataDocument = {};
  // Limits alone (the other controls deny most calls, and only allowed calls are counted).
  if (chance(random, 0.25)) return counterData(random, data);
  if (chance(random, 0.6)) {
    const tiers = some(random, TIERS, 3);
    data.tiers = Object.fromEntries(
      tiers.map((tier) => [
        tier,
        {
          ...(chance(random, 0.2) ? { read_only: true } : {}),
          servers: Object.fromEntries(
            some(random, SERVER_PATTERNS, 3).map((pattern) => [pattern, serverEntry(random)]),
          ),
        },
      ]),
    );
    data.trust_tiers = Object.fromEntries(tiers.map((tier) => [tier, some(random, PRINCIPALS, 3)]));
    if (chance(random, 0.3)) data.default_tier = pick(random, TIERS);
  }
  if (chance(random, 0.4))
    data.allowed_tools = Object.fromEntries(
      some(random, [...PRINCIPALS, '*'], 3).map((key) => [key, some(random, TOOL_PATTERNS, 3)]),
    );
  if (chance(random, 0.2)) {
    data.scope_tools = {
      read: some(random, TOOL_PATTERNS, 2),
      write: some(random, TOOL_PATTERNS, 2),
      admin: ['*'],
    };
    if (chance(random, 0.3)) data.scope_attribute = 'role';
  }
  if (chance(random, 0.4))
    data.approval = {
      ...(chance(random, 0.7) ? { tools: some(random, TOOL_PATTERNS, 2) } : {}),
      ...(chance(random, 0.5) ? { destructive: chance(random, 0.7) } : {}),
    };
  if (chance(random, 0.4))
    data.argument_rules = Array.from({ length: 1 + randomInt(random, 4) }, () =>
      argumentRule(random),
    );
  if (chance(random, 0.3)) data.disabled_methods = some(random, METHOD_PATTERNS, 2);
  if (chance(random, 0.15)) data.roots = ['/a'];
  if (chance(random, 0.15)) data.pins = { deny_new: chance(random, 0.7) };
  if (chance(random, 0.05)) data.sampling = { allow: true };
  if (chance(random, 0.5)) counterData(random, data);
  // Now and then something the policy's own check refuses.
  if (chance(random, 0.03)) data.disabled_methods = 'tools/call';
  return data;
}

/** One identity: the principal and server a shim process would run as. */
export interface Identity {
  readonly principal: PolicyInput['principal'];
  readonly server: PolicyInput['server'];
}

export function fuzzedIdentity(random: Random): Identity {
  return {
    principal: {
      id: pick(random, PRINCIPALS),
      roles: pick(random, ROLES),
      attributes: pick(random, ATTRIBUTES),
    },
    server: { id: pick(random, SERVERS), command: ['node', 'server.mjs'] },
  };
}

const ANNOTATIONS = [
  {},
  { readOnlyHint: true },
  { destructiveHint: true },
  { readOnlyHint: false, destructiveHint: true },
];
const ARGUMENTS = [
  {},
  { env: 'prod' },
  { env: 'dev' },
  { env: 'prod', region: 'eu' },
  { region: 'us' },
];
const PINS = [
  undefined,
  { status: 'new' },
  { status: 'pinned' },
  { status: 'changed', changed: ['description'] },
];
const PATHS = [
  [],
  [{ pointer: '/path', raw: '/a/b', resolved: '/a/b', within_roots: true }],
  [{ pointer: '/path', raw: '/etc/passwd', resolved: '/etc/passwd', within_roots: true }],
];

/** The operation and message of one input: mostly tools, some of every other kind. */
function operationOf(random: Random): Pick<PolicyInput, 'message' | 'operation'> {
  const kind = randomInt(random, 12);
  const annotations = pick(random, ANNOTATIONS);
  const pin = pick(random, PINS);
  if (kind < 6) {
    const listing = chance(random, 0.2);
    return {
      message: listing
        ? { kind: 'response', method: 'tools/list', id: 2 }
        : { kind: chance(random, 0.9) ? 'request' : 'notification', method: 'tools/call', id: 7 },
      operation: {
        type: 'tool',
        name: pick(random, TOOLS),
        listing,
        annotations,
        ...(pin === undefined ? {} : { pin: pin as PolicyInput['operation']['pin'] & object }),
      },
    };
  }
  if (kind === 6)
    return {
      message: { kind: 'request', method: 'resources/read', id: 3 },
      operation: { type: 'resource', name: pick(random, RESOURCES), listing: chance(random, 0.2) },
    };
  if (kind === 7)
    return {
      message: { kind: 'request', method: 'prompts/get', id: 4 },
      operation: { type: 'prompt', name: pick(random, PROMPTS), listing: chance(random, 0.2) },
    };
  if (kind === 8)
    return {
      message: { kind: 'request', method: 'completion/complete', id: 5 },
      operation: {
        type: 'completion',
        name: pick(random, [...PROMPTS, ...RESOURCES]),
        listing: false,
        details: { ref_type: pick(random, ['ref/prompt', 'ref/resource', 'ref/other']) },
      },
    };
  if (kind === 9)
    return {
      message: { kind: 'request', method: 'tools/list', id: 6 },
      operation: { type: 'tool', name: 'tools/list', listing: false },
    };
  const method = pick(random, [
    'initialize',
    'ping',
    'notifications/progress',
    'logging/setLevel',
    'custom/thing',
    'resources/subscribe',
  ]);
  return {
    message: {
      kind: method.startsWith('notifications/') ? 'notification' : 'request',
      method,
      id: 8,
    },
    operation: {
      type: pick(random, ['lifecycle', 'ping', 'notification', 'logging', 'other', 'subscription']),
      name: method,
      listing: false,
    },
  };
}

const BASE = loadCases()[0]?.input;

/** A value as the policy's counter keys write it: a string as is, anything else as JSON. */
const textOf = (value: unknown): string =>
  typeof value === 'string' ? value : JSON.stringify(value ?? null);

/**
 * The `rate` or `quota` window of an input: absent (as the shim first judges a counted call), or
 * counts near the limits for this call's keys (`server/tool`, and per argument) and another key.
 */
function windowOf(
  random: Random,
  serverId: string,
  toolName: string | undefined,
  args: Record<string, unknown>,
): PolicyInput['rate'] {
  if (toolName === undefined || chance(random, 0.5)) return undefined;
  const base = `${serverId}/${toolName}`;
  const keys = [
    base,
    'other/key',
    ...['env', 'region', ''].map((arg) => `${base}|${arg}=${textOf(args[arg])}`),
  ];
  const counts = Object.fromEntries(
    some(random, keys, 3).map((key) => [key, randomInt(random, 5)]),
  );
  return {
    window_seconds: 60,
    counts,
    resets_at: Object.fromEntries(
      Object.keys(counts).map((key) => [key, '2026-12-06T00:01:00.000Z']),
    ),
  };
}

/** An input for `identity` (or, now and then, another principal or server). */
export function fuzzedInput(random: Random, identity: Identity): PolicyInput {
  if (BASE === undefined) throw new Error('Expected conformance cases (test/policy/cases).');
  const other = fuzzedIdentity(random);
  const { message, operation } = operationOf(random);
  const args = pick(random, ARGUMENTS);
  const server = chance(random, 0.9) ? identity.server : other.server;
  const rate = windowOf(random, server.id, operation.name, args);
  const quota = windowOf(random, server.id, operation.name, args);
  return {
    ...BASE,
    direction: chance(random, 0.9) ? 'to_server' : 'to_client',
    message,
    operation,
    arguments: args,
    paths: pick(random, PATHS),
    principal: chance(random, 0.85) ? identity.principal : other.principal,
    server,
    approval: chance(random, 0.3) ? { granted: true, scope: 'once' } : { granted: false },
    ...(rate === undefined ? {} : { rate }),
    ...(quota === undefined ? {} : { quota: { ...quota, window_seconds: 86_400 } }),
  };
}

export { seededRandom };
