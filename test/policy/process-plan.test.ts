import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PolicyInput } from '../../src/core/policy-input.js';
import { buildMessageInput } from '../../src/input/build-input.js';
import { createInputContext } from '../../src/input/input-context.js';
import { DATA_CHECKED_KEY, markDataChecked } from '../../src/policy/check-data-once.js';
import { EMBEDDED_INPUT_KEYS_URL, EMBEDDED_POLICY_URL } from '../../src/policy/load-policy.js';
import type { DataDocument } from '../../src/policy/merge-data.js';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';
import {
  addProcessPlan,
  planInput,
  PROCESS_PLAN_ENTRYPOINT,
  type PlanConstants,
} from '../../src/policy/process-plan.js';
import { parseInputKeys } from '../../src/policy/project-input.js';
import { ReloadingEngine } from '../../src/policy/reloading-engine.js';
import { WasmEngine } from '../../src/policy/wasm-engine.js';
import { Session } from '../../src/session/session.js';
import { loadCases } from './conformance-cases.js';
import {
  fuzzedData,
  fuzzedIdentity,
  fuzzedInput,
  seededRandom,
  type Identity,
} from './helpers/fuzzed-policy-cases.js';
import { opa, pathWithOpa } from './opa-cli.js';

const wasm = readFileSync(EMBEDDED_POLICY_URL);
const inputKeys = parseInputKeys(readFileSync(EMBEDDED_INPUT_KEYS_URL, 'utf8'));
/** Fuzzed inputs per run: `PLAN_DIFF_CASES=500000` for a long run. */
const CASES = Number(process.env.PLAN_DIFF_CASES ?? 20_000);
/** Optionally, another build of the policy (the previous release's) that must decide the same. */
const BASELINE_WASM = process.env.PLAN_DIFF_BASELINE_WASM;

function engine(data: DataDocument, module: Uint8Array = wasm): Promise<WasmEngine> {
  return WasmEngine.create({
    wasm: module,
    data,
    entrypoint: 'mcp/decision',
    revision: { sha256: 'test', source: 'embedded' },
    inputKeys,
  });
}

function constantsOf(
  identity: Pick<Identity, 'principal'> & { server: { id: string } },
): PlanConstants {
  return { principal: identity.principal, serverId: identity.server.id };
}

/** The data's own check (`mcp/data_errors`) finds nothing: the shim plans only such data. */
function checked(unmarked: WasmEngine): boolean {
  const resultSet = unmarked.evaluateOnce('mcp/data_errors') as { result: unknown[] }[];
  return resultSet[0]?.result.length === 0;
}

/** Engines for one data document: as opa eval sees it, and as the shim loads it for `constants`. */
async function enginePair(data: DataDocument, constants: PlanConstants) {
  const unmarked = await engine(data);
  if (!checked(unmarked)) return { unmarked, planned: undefined };
  const marked = await engine(markDataChecked(data));
  return {
    unmarked,
    planned: addProcessPlan(marked, markDataChecked(data), constants, 'test data'),
  };
}

beforeAll(() => {
  process.env.PATH = pathWithOpa();
});

/** A one-file policy compiled by the real `opa build` with these entrypoints. */
function regoWasm(rego: string, entrypoints: readonly string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'process-plan-'));
  try {
    writeFileSync(join(dir, 'policy.rego'), rego);
    opa(
      [
        'build',
        '-t',
        'wasm',
        ...entrypoints.flatMap((e) => ['-e', e]),
        '-o',
        'b.tar.gz',
        'policy.rego',
      ],
      { cwd: dir },
    );
    execFileSync('tar', ['-xzf', 'b.tar.gz', '/policy.wasm'], { cwd: dir, stdio: 'pipe' });
    return readFileSync(join(dir, 'policy.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the default policy’s per-process plan', () => {
  it('decides every conformance case as without the plan', async () => {
    const cases = loadCases().filter((c) => Object.keys(c.data).length > 0);
    expect(cases.length).toBeGreaterThan(20);
    let planned = 0;
    for (const c of cases) {
      const { unmarked, planned: withPlan } = await enginePair(c.data, constantsOf(c.input));
      if (withPlan === undefined) continue;
      planned++;
      expect(withPlan.evaluate(c.input), `${c.file}: ${c.note}`).toEqual(
        unmarked.evaluate(c.input),
      );
    }
    expect(planned).toBeGreaterThan(20);
  });

  it(
    `decides ${String(CASES)} fuzzed inputs on fuzzed data as without the plan (and as a baseline build, when given)`,
    async () => {
      const baseline = BASELINE_WASM === undefined ? undefined : readFileSync(BASELINE_WASM);
      const random = seededRandom(Number(process.env.PLAN_DIFF_SEED ?? 14));
      const perData = 200;
      const seen = { cases: 0, planned: 0, denied: 0, counted: 0, reasons: new Set<string>() };
      while (seen.cases < CASES) {
        const data = fuzzedData(random);
        const identity = fuzzedIdentity(random);
        const { unmarked, planned } = await enginePair(data, constantsOf(identity));
        const old = baseline === undefined ? undefined : await engine(data, baseline);
        for (let i = 0; i < perData && seen.cases < CASES; i++, seen.cases++) {
          const input = fuzzedInput(random, identity);
          const want = unmarked.evaluate(input);
          const others = [old?.evaluate(input), planned?.evaluate(input)];
          // The message (data and input) is built only for a difference.
          for (const other of others)
            if (other !== undefined && !isDeepStrictEqual(other, want))
              expect(other, JSON.stringify({ data, input, identity })).toEqual(want);
          if (planned !== undefined) seen.planned++;
          if (want.obligations?.count !== undefined) seen.counted++;
          if (!want.allow) seen.denied++;
          for (const reason of want.reasons) seen.reasons.add(reason);
        }
      }
      // The fuzzing reaches both outcomes and every data control.
      expect(seen.planned).toBeGreaterThan(CASES / 2);
      // Calls that rate limits and quotas count (obligations.count), planned or not.
      expect(seen.counted).toBeGreaterThan(CASES / 40);
      expect(seen.denied).toBeGreaterThan(CASES / 10);
      expect(seen.cases - seen.denied).toBeGreaterThan(CASES / 10);
      expect([...seen.reasons].sort()).toEqual(
        expect.arrayContaining([
          'approval_required',
          'argument_rule_denied',
          'argument_rule_role',
          'invalid_data',
          'method_disabled',
          'path_outside_roots',
          'principal_not_permitted',
          'quota_exceeded',
          'rate_limited',
          'read_only_tier',
          'tier_item_denied',
          'tier_item_not_permitted',
          'tool_not_in_allow_list',
          'tool_not_in_scopes',
          'tool_not_pinned',
        ]),
      );
    },
    Math.max(600_000, CASES * 10),
  );

  it('is computed at load for the principal and server the shim puts in every input', async () => {
    const data = {
      trust_tiers: { developer: ['alice'] },
      tiers: { developer: { servers: { echo: { tools: ['echo'] } } } },
    };
    const config = {
      principal: { id: 'alice', roles: ['developer'], attributes: { team: 'a' } },
      roots: [],
      serverId: 'echo',
      command: 'node',
      args: ['server.mjs'],
      pathPointers: [],
      pathBases: [],
      mode: 'enforce',
    } as unknown as Parameters<typeof createInputContext>[0];
    const context = createInputContext(config, ['PATH']);
    const session = new Session();
    const input = buildMessageInput(
      'to_server',
      { kind: 'request', id: 1, method: 'tools/call', params: { name: 'echo', arguments: {} } },
      session,
      context,
    );
    const constants = { principal: config.principal, serverId: config.serverId };
    const marked = markDataChecked(data);
    const planned = addProcessPlan(await engine(marked), marked, constants, 'test data');
    expect(planned.evaluate(input).allow).toBe(true);
    // The same plan with the principal barred: the shim's own input is the plan's, so it is read.
    const resultSet = (await engine(marked)).evaluateOnce(
      PROCESS_PLAN_ENTRYPOINT,
      planInput(constants),
    ) as { result: Record<string, unknown> }[];
    const barred = { ...resultSet[0]?.result, principal_permitted: false };
    const tampered = await engine({
      ...marked,
      [DATA_CHECKED_KEY]: { data_checked: true, plan: barred },
    });
    expect(tampered.evaluate(input).reasons).toEqual(['principal_not_permitted']);
    // Another principal's input is not the plan's: it is decided from the data alone.
    const bob = { ...input, principal: { ...input.principal, id: 'bob' } } as PolicyInput;
    expect(tampered.evaluate(bob).reasons).toEqual(['principal_not_permitted']);
    const roles = { ...input, principal: { ...input.principal, roles: [] } } as PolicyInput;
    expect(tampered.evaluate(roles).allow).toBe(true);
  });

  it('refuses to load a policy without the plan entrypoint, naming it and the fix', async () => {
    const module = regoWasm('package mcp\n\ndecision := {"allow": true}\n', ['mcp/decision']);
    const bare = await engine(markDataChecked({ tiers: {} }), module);
    expect(() =>
      addProcessPlan(
        bare,
        markDataChecked({ tiers: {} }),
        constantsOf(fuzzedIdentity(seededRandom(1))),
        'data from `--data` `d.json`',
      ),
    ).toThrow(
      new PolicyLoadError(
        'The policy from embedded has no `mcp/process_plan` entrypoint, so the per-process plan for data from `--data` `d.json` cannot be computed: reinstall the package or run `npm run build`.',
      ),
    );
  });

  it('refuses a plan that is not for the run’s principal and server', async () => {
    const module = regoWasm(
      'package mcp\n\ndecision := {"allow": true}\n\nprocess_plan := {"principal": input.principal, "server_id": "other"}\n',
      ['mcp/decision', 'mcp/process_plan'],
    );
    const odd = await engine(markDataChecked({ tiers: {} }), module);
    expect(() =>
      addProcessPlan(
        odd,
        markDataChecked({ tiers: {} }),
        { principal: { id: 'alice', roles: [], attributes: {} }, serverId: 'echo' },
        'test data',
      ),
    ).toThrow(
      /Expected `mcp\/process_plan` of the policy from embedded to give a plan for principal `alice` on server `echo` with test data, got .*"other"/,
    );
  });

  it('keeps the last good engine, plan included, when a reload’s plan cannot be computed', async () => {
    const data = markDataChecked({ allowed_tools: { alice: ['echo'] } });
    const constants = {
      principal: { id: 'alice', roles: [], attributes: {} },
      serverId: 'everything',
    };
    const good = addProcessPlan(await engine(data), data, constants, 'test data');
    const module = regoWasm('package mcp\n\ndecision := {"allow": false}\n', ['mcp/decision']);
    const reloading = new ReloadingEngine(
      good,
      async () => addProcessPlan(await engine(data, module), data, constants, 'the new data'),
      [],
      'before',
    );
    const event = await reloading.reload();
    expect(event).toMatchObject({
      ok: false,
      error: expect.stringContaining('`mcp/process_plan`'),
    });
    const base = loadCases()[0]?.input;
    if (base === undefined) throw new Error('no conformance case');
    const input = {
      ...base,
      principal: constants.principal,
      server: { id: 'everything', command: [] },
      operation: { type: 'tool', name: 'echo', listing: false },
    } as PolicyInput;
    expect(reloading.evaluate(input)).toMatchObject({ allow: true });
    expect(
      reloading.evaluate({ ...input, operation: { ...input.operation, name: 'other' } }).reasons,
    ).toEqual(['tool_not_in_allow_list']);
    reloading.close();
  });

  it('knows every data_denials rule: data_clear must rule each one out before it skips them', () => {
    // A data rule data_clear does not know could deny a message it lets through: extend
    // data_clear (policy.rego, "per-process plan") and this list together.
    const ast = JSON.parse(opa(['parse', '--format', 'json', 'policy.rego'])) as {
      rules: { head: { ref?: { value: unknown }[]; key?: { value: unknown[] } } }[];
    };
    const reasons = ast.rules
      .filter((rule) => rule.head.ref?.[0]?.value === 'data_denials')
      .map((rule) => {
        const [, reason] = rule.head.key?.value ?? [];
        return JSON.stringify((reason as { value?: unknown } | undefined)?.value);
      })
      .sort();
    expect(reasons).toEqual(
      [
        'approval_required',
        'approval_required',
        'argument_rule_denied',
        'argument_rule_role',
        'invalid_data',
        'method_disabled',
        'principal_not_permitted',
        'read_only_tier',
        'reason',
        'tier_item_denied',
        'tier_item_not_permitted',
        'tool_not_in_allow_list',
        'tool_not_in_scopes',
        'tool_not_pinned',
      ]
        .map((reason) => JSON.stringify(reason))
        .sort(),
    );
  });
});
