import { beforeAll, describe, expect, it } from 'vitest';
import { buildListingInput, buildMessageInput } from '../../src/input/build-input.js';
import { frozenCopy } from '../../src/input/frozen-copy.js';
import { createInputContext } from '../../src/input/input-context.js';
import type { PolicyInput } from '../../src/core/policy-input.js';
import { readFileSync } from 'node:fs';
import { EMBEDDED_INPUT_KEYS_URL } from '../../src/policy/load-policy.js';
import { PolicyInstance, type CompiledPolicy } from '../../src/policy/policy-instance.js';
import { parseInputKeys } from '../../src/policy/project-input.js';
import { Session } from '../../src/session/session.js';
import { loadCases } from './conformance-cases.js';
import {
  abiPolicy,
  canonicalJson,
  compile,
  embeddedWasm,
  regoWasm,
  sdkPolicy,
} from './helpers/sdk-reference.js';
import { pathWithOpa } from './opa-cli.js';
import { policyInput } from './policy-fixtures.js';

interface BenchStream {
  readonly judged: boolean;
  readonly session: Session;
  next(index: number): PolicyInput;
}

const benchFixtures = (await import(
  new URL('../../bench/fixtures/policy-inputs.mjs', import.meta.url).href
)) as { policyInputStreams(modules: object): BenchStream[] };

let embedded: CompiledPolicy;
let echo: CompiledPolicy;

beforeAll(async () => {
  process.env.PATH = pathWithOpa();
  embedded = await compile(embeddedWasm());
  // Returns exactly the input document the policy was given.
  echo = await compile(await regoWasm('package t\n\ndecision := input\n', 't/decision'));
}, 120_000);

function entrypoint(policy: PolicyInstance, name: string): number {
  const id = policy.entrypoints[name];
  if (id === undefined) throw new Error(`no entrypoint ${name}`);
  return id;
}

/** What the echo policy saw, as canonical JSON. */
function seen(policy: PolicyInstance, input: object): string {
  return canonicalJson(policy.evaluate(entrypoint(policy, 't/decision'), input));
}

function meant(input: object): string {
  return canonicalJson([{ result: JSON.parse(JSON.stringify(input)) as unknown }]);
}

/** Bench-fixture inputs through the real builder, each judged one recorded as the relay does. */
function benchInputs(count: number): PolicyInput[] {
  const modules = { buildMessageInput, buildListingInput, createInputContext, Session };
  return benchFixtures.policyInputStreams(modules).flatMap((stream) =>
    Array.from({ length: count }, (_, index) => {
      const input = stream.next(index);
      if (stream.judged)
        stream.session.recordOperation(input.operation.type, input.operation.name, index % 3 > 0);
      return input;
    }),
  );
}

describe('evaluation through the OPA Wasm ABI', () => {
  it('gives the SDK’s result set for every conformance case, as built and deeply frozen', () => {
    for (const data of new Set(loadCases().map((c) => JSON.stringify(c.data)))) {
      const abi = abiPolicy(embedded, JSON.parse(data));
      const sdk = sdkPolicy(embedded, JSON.parse(data));
      const id = entrypoint(abi, 'mcp/decision');
      for (const c of loadCases().filter((each) => JSON.stringify(each.data) === data)) {
        const want = canonicalJson(sdk.evaluate(c.input, id));
        expect(canonicalJson(abi.evaluate(id, c.input)), c.note).toBe(want);
        expect(canonicalJson(abi.evaluate(id, frozenCopy(c.input))), c.note).toBe(want);
      }
    }
  });

  it('gives the SDK’s result set on the whole input when passing only the keys the embedded policy reads', () => {
    const keys = parseInputKeys(readFileSync(EMBEDDED_INPUT_KEYS_URL, 'utf8'));
    expect(keys?.size).toBeGreaterThan(0);
    const inputs = [...loadCases(), ...benchInputs(30).map((input) => ({ input, data: {} }))];
    let compared = 0;
    for (const data of new Set(inputs.map((c) => JSON.stringify(c.data)))) {
      const json = new TextEncoder().encode(data).slice().buffer;
      const projected = new PolicyInstance(embedded, json, keys);
      const sdk = sdkPolicy(embedded, JSON.parse(data));
      const id = entrypoint(projected, 'mcp/decision');
      for (const c of inputs.filter((each) => JSON.stringify(each.data) === data)) {
        expect(canonicalJson(projected.evaluate(id, c.input as object))).toBe(
          canonicalJson(sdk.evaluate(c.input, id)),
        );
        compared++;
      }
    }
    expect(compared).toBe(inputs.length);
  });

  it('passes a policy only the input keys it reads, when they are known', () => {
    const data = new TextEncoder().encode('{}').slice().buffer;
    const policy = new PolicyInstance(echo, data, new Set(['operation', 'version']));
    const [input] = benchInputs(1);
    if (input === undefined) throw new Error('no bench input');
    expect(seen(policy, input)).toBe(meant({ operation: input.operation, version: input.version }));
  });

  it('gives the SDK’s result set for the benchmark’s inputs, built as the relay builds them', () => {
    const abi = abiPolicy(embedded);
    const sdk = sdkPolicy(embedded);
    const id = entrypoint(abi, 'mcp/decision');
    for (const input of benchInputs(30))
      expect(canonicalJson(abi.evaluate(id, input))).toBe(canonicalJson(sdk.evaluate(input, id)));
  });

  it('passes the policy exactly the input it is given while cached parts stay, change or vanish', () => {
    const policy = abiPolicy(echo);
    const inputs = benchInputs(12);
    const base = frozenCopy(policyInput());
    const variants: object[] = [
      ...inputs,
      base,
      // Same values under new identities, then new values under the old keys.
      frozenCopy(policyInput()),
      { ...base, principal: frozenCopy({ id: 'bob', roles: ['admin'], attributes: { t: 'x' } }) },
      { ...base, session: frozenCopy({ ...base.session, id: 'other', recent: [] }) },
      // A cached key missing, a session that is not an object, extra keys.
      { ...base, environment: undefined, client: 'not an object' },
      { ...base, session: ['an', 'array'], extra: { nested: [1, 2, 3] } },
      {},
      // Unicode, escapes, big and awkward numbers.
      {
        ...base,
        arguments: {
          text: 'é中文🙂 "quoted" \\ \n\t\u0001',
          n: 2 ** 64,
          m: Number.MAX_SAFE_INTEGER + 2,
          f: 1e-7,
          z: -0,
        },
        principal: frozenCopy({ id: 'ünï😀', roles: ['\u2028'], attributes: { big: '1e400' } }),
      },
      inputs[0] ?? base,
    ];
    for (const input of variants) expect(seen(policy, input)).toBe(meant(input));
  });

  it('evaluates a wrapped input whole (as the log entrypoints do) without disturbing the cached parts', () => {
    const policy = abiPolicy(echo);
    const [first, second] = benchInputs(2);
    if (first === undefined || second === undefined) throw new Error('no bench inputs');
    const id = entrypoint(policy, 't/decision');
    expect(seen(policy, first)).toBe(meant(first));
    expect(canonicalJson(policy.evaluateWhole(id, { input: first }))).toBe(meant({ input: first }));
    expect(seen(policy, second)).toBe(meant(second));
    expect(seen(policy, first)).toBe(meant(first));
  });

  it('serialises a part that is not frozen every time, so changing it in place is seen', () => {
    const policy = abiPolicy(echo);
    const principal = {
      id: 'alice',
      roles: ['developer'],
      attributes: {} as Record<string, string>,
    };
    const input = { ...frozenCopy(policyInput()), principal };
    expect(seen(policy, input)).toBe(meant(input));
    principal.roles.push('admin');
    principal.attributes.tier = 'gold';
    expect(seen(policy, input)).toContain('"admin"');
    expect(seen(policy, input)).toBe(meant(input));
  });

  it('gets deeply frozen parts from the input builder, which cannot be changed in place', () => {
    const [input] = benchInputs(1);
    if (input === undefined) throw new Error('no bench input');
    const roles = input.principal.roles as string[];
    const names = input.environment.names as string[];
    const recent = input.session.recent as unknown as { allow: boolean }[];
    expect(() => roles.push('admin')).toThrow(TypeError);
    expect(() => names.push('SECRET')).toThrow(TypeError);
    expect(() => {
      (input.approval as { granted: boolean }).granted = true;
    }).toThrow(TypeError);
    expect(() => {
      const first = recent[0];
      if (first) first.allow = false;
    }).toThrow(TypeError);
    expect(() => {
      (input.client as { self_declared: boolean }).self_declared = false;
    }).toThrow(TypeError);
  });

  it('keeps its Wasm heap bounded across hundreds of changes of a cached part', () => {
    const policy = abiPolicy(echo);
    const base = frozenCopy(policyInput());
    const heapAfter: number[] = [];
    for (let change = 0; change < 500; change++) {
      const input = {
        ...base,
        principal: frozenCopy({ id: `user-${String(change % 10)}`, roles: ['r'], attributes: {} }),
      };
      expect(seen(policy, input)).toBe(meant(input));
      heapAfter.push(policy.heapUsed());
    }
    expect(new Set(heapAfter.slice(10)).size).toBeLessThanOrEqual(2);
    expect(Math.max(...heapAfter)).toBeLessThan(2 * (heapAfter[0] ?? 0));
  });
});
