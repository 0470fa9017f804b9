import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PolicyEngine } from '../../src/core/decision.js';
import type { PolicyInput } from '../../src/core/policy-input.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import { evaluateCounted } from '../../src/relay/rate-quota.js';
import type { RelayContext } from '../../src/relay/relay-context.js';
import { CallCounters, countRequestOf } from '../../src/state/counters/call-counters.js';

const work = mkdtempSync(join(tmpdir(), 'rate-quota-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const base = JSON.parse(
  readFileSync(new URL('../policy/base-input.json', import.meta.url), 'utf8'),
) as PolicyInput;

/** Small limits, a glob, a per-argument quota and a server filter: the boundaries come often. */
const LIMITS = {
  rate_limits: [
    { tool: 'echo', per_minute: 3 },
    { tool: 'e*', per_minute: 5 },
    { tool: 'deploy', per_minute: 2, per_argument: 'env' },
    { tool: 'echo', server: 'elsewhere', per_minute: 0 },
  ],
  quotas: [
    { tool: 'deploy', per_day: 4, per_argument: 'env' },
    { tool: 'echo', per_day: 9 },
  ],
};

function dataFile(data: object): string {
  const path = join(work, `data-${String(Math.random()).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(data));
  return path;
}

/** Literal tools only, without per_argument: every tool is answered by the plan. */
const LITERAL_LIMITS = {
  rate_limits: [
    { tool: 'echo', per_minute: 3 },
    { tool: 'edit', per_minute: 0 },
  ],
  quotas: [{ tool: 'echo', per_day: 9 }],
};

/**
 * The embedded policy (or `--rules`) on `data`; `planned`: with the shim's per-process plan for
 * the base input's principal and server, as the shim loads it.
 */
function engineWith(data: object, rules?: string, planned = false): Promise<PolicyEngine> {
  const rulesFile = rules === undefined ? undefined : join(work, 'rules.rego');
  if (rulesFile !== undefined && rules !== undefined) writeFileSync(rulesFile, rules);
  return createPolicyEngine({
    policy: rulesFile === undefined ? { kind: 'embedded' } : { kind: 'rules', paths: [rulesFile] },
    dataFiles: [dataFile(data)],
    entrypoint: 'mcp/decision',
    watch: false,
    ...(planned ? { principal: base.principal, serverId: base.server.id } : {}),
  });
}

function contextOf(policy: PolicyEngine, counters: CallCounters): RelayContext {
  return {
    policy,
    counters,
    logger: { error: () => undefined },
  } as unknown as RelayContext;
}

function call(tool: string, env: string | undefined, id: number): PolicyInput {
  return {
    ...base,
    message: { kind: 'request', method: 'tools/call', id },
    operation: { ...base.operation, name: tool },
    arguments: env === undefined ? {} : { env },
  };
}

/** A tiny deterministic generator, so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The reference: what the shim did before the fast path. Every call is judged with both
 * windows, and the keys the allowed decision names are counted.
 */
function judgeWithWindows(policy: PolicyEngine, counters: CallCounters, input: PolicyInput) {
  if (!counters.quotaOpen) counters.openQuota();
  const rate = counters.rateView();
  const quota = counters.quotaView();
  const decision = policy.evaluate({
    ...input,
    ...(rate === undefined ? {} : { rate }),
    ...(quota === undefined ? {} : { quota }),
  });
  const request = decision.allow ? countRequestOf(decision.obligations) : undefined;
  if (request !== undefined) counters.count(request);
  return decision;
}

describe('evaluateCounted: judging without the windows below every limit', () => {
  it.each([
    ['globs and per_argument, unplanned', LIMITS, false],
    ['globs and per_argument, planned', LIMITS, true],
    ['literal tools only, planned', LITERAL_LIMITS, true],
  ] as const)(
    'gives the decision the windows give, call by call, across limits, expiry and quota boundaries (%s)',
    async (title, limits, planned) => {
      const fast = await engineWith(limits, undefined, planned);
      // The reference judges every call with the windows, and without a plan.
      const reference = await engineWith(limits);
      let now = Date.parse('2026-12-06T00:00:00.000Z');
      const clock = () => now;
      const fastCounters = new CallCounters(join(work, `fast ${title}`), 'alice', clock);
      const referenceCounters = new CallCounters(join(work, `reference ${title}`), 'alice', clock);
      const next = random(20_261_206);
      const tools = ['echo', 'echo', 'echo', 'deploy', 'edit', 'glob'];
      const envs = [undefined, 'prod', 'staging'];
      let denied = 0;
      let allowed = 0;
      try {
        for (let index = 0; index < 600; index++) {
          now += Math.floor(next() * 9_000);
          const tool = tools[Math.floor(next() * tools.length)] ?? 'echo';
          const env = envs[Math.floor(next() * envs.length)];
          const input = call(tool, env, index);
          const got = evaluateCounted(contextOf(fast, fastCounters), input).decision;
          const want = judgeWithWindows(reference, referenceCounters, input);
          expect(
            { allow: got.allow, reasons: got.reasons, message: got.message },
            `call ${index}: ${tool} ${env ?? '-'}`,
          ).toEqual({ allow: want.allow, reasons: want.reasons, message: want.message });
          if (got.allow) allowed++;
          else denied++;
        }
        expect(fastCounters.rateView()).toEqual(referenceCounters.rateView());
        expect(fastCounters.quotaView()?.counts).toEqual(referenceCounters.quotaView()?.counts);
      } finally {
        fastCounters.close();
        referenceCounters.close();
        fast.close();
        reference.close();
      }
      // Both kinds of outcome must occur, or the comparison proves nothing.
      expect(allowed).toBeGreaterThan(100);
      expect(denied).toBeGreaterThan(100);
    },
  );

  it('passes the windows on every call when --rules are compiled in (a user rule may read them)', async () => {
    // Denies a second echo call in the same minute: a rule the default limits know nothing of.
    const rules = [
      'package mcp.user',
      '',
      'denials contains {"reason": "user_rate", "message": "Only one echo per minute."} if {',
      '\tinput.operation.name == "echo"',
      '\tinput.rate.counts["everything/echo"] >= 1',
      '}',
      '',
    ].join('\n');
    const policy = await engineWith({ rate_limits: [{ tool: 'echo', per_minute: 100 }] }, rules);
    const counters = new CallCounters(join(work, 'rules'), 'alice');
    try {
      let evaluations = 0;
      const counting = {
        evaluate: (input: PolicyInput) => {
          evaluations++;
          return policy.evaluate(input);
        },
      } as unknown as PolicyEngine;
      const context = contextOf(counting, counters);
      expect(evaluateCounted(context, call('echo', undefined, 1)).decision.allow).toBe(true);
      const second = evaluateCounted(context, call('echo', undefined, 2));
      expect(second.decision.reasons).toEqual(['user_rate']);
      expect(second.input.rate?.counts).toEqual({ 'everything/echo': 1 });
      // No limits were given, so no call is judged twice trying the fast path.
      expect(evaluations).toBe(2);
    } finally {
      counters.close();
      policy.close();
    }
  });

  it('judges without the windows only while every count is below its limit', async () => {
    const policy = await engineWith({ rate_limits: [{ tool: 'echo', per_minute: 2 }] });
    const counters = new CallCounters(join(work, 'boundary'), 'alice');
    try {
      const context = contextOf(policy, counters);
      const first = evaluateCounted(context, call('echo', undefined, 1));
      const second = evaluateCounted(context, call('echo', undefined, 2));
      // Counting has started, and 1 < 2: the second call was judged without the windows.
      expect(first.input.rate).toBeUndefined();
      expect(second.decision.allow).toBe(true);
      expect(second.input.rate).toBeUndefined();
      const third = evaluateCounted(context, call('echo', undefined, 3));
      expect(third.decision.reasons).toEqual(['rate_limited']);
      // At the limit the call is judged with the windows, so the message says when it resets.
      expect(third.input.rate?.counts).toEqual({ 'everything/echo': 2 });
      expect(third.decision.message).toMatch(/it resets at \d{4}-/);
    } finally {
      counters.close();
      policy.close();
    }
  });
});

describe('countRequestOf', () => {
  it('reads the limits in the keys’ order, keeping the lowest for a key named twice', () => {
    const request = countRequestOf({
      count: { rate: ['a', 'b', 'a'], quota: [], rate_limits: [5, 2, 3], quota_limits: [] },
    });
    expect(request).toEqual({ rate: ['a', 'b'], quota: [], limits: { rate: [3, 2], quota: [] } });
  });

  it('gives no limits when a list is missing, of another length or not numbers', () => {
    for (const count of [
      { rate: ['a'], quota: [], rate_limits: [1] },
      { rate: ['a'], quota: [], rate_limits: [], quota_limits: [] },
      { rate: ['a'], quota: [], rate_limits: ['1'], quota_limits: [] },
    ]) {
      expect(countRequestOf({ count })).toEqual({ rate: ['a'], quota: [] });
    }
  });

  it('keeps a request that counts nothing when it gives limits (the windows then do not matter)', () => {
    expect(
      countRequestOf({ count: { rate: [], quota: [], rate_limits: [], quota_limits: [] } }),
    ).toEqual({ rate: [], quota: [], limits: { rate: [], quota: [] } });
    expect(countRequestOf({ count: { rate: [], quota: [] } })).toBeUndefined();
  });
});
