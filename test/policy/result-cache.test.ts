import { beforeAll, describe, expect, it } from 'vitest';
import type { CompiledPolicy } from '../../src/policy/policy-instance.js';
import { abiPolicy, compile, embeddedWasm } from './helpers/sdk-reference.js';
import { policyInput } from './policy-fixtures.js';

let embedded: CompiledPolicy;

beforeAll(async () => {
  embedded = await compile(embeddedWasm());
}, 120_000);

describe('the result of an evaluation equal to the last one', () => {
  it('is the same frozen value, and a different result is parsed afresh', () => {
    const policy = abiPolicy(embedded);
    const id = policy.entrypoints['mcp/decision'];
    if (id === undefined) throw new Error('no mcp/decision');
    const allowed = policyInput();
    const denied = policyInput({ version: 99 });
    const first = policy.evaluate(id, allowed) as [{ result: { allow: boolean } }];
    const second = policy.evaluate(id, allowed);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0].result)).toBe(true);
    expect(first[0].result.allow).toBe(true);
    const third = policy.evaluate(id, denied) as [
      { result: { allow: boolean; reasons: string[] } },
    ];
    expect(third).not.toBe(first);
    expect(third[0].result.allow).toBe(false);
    expect(third[0].result.reasons).toEqual(['unsupported_input_version']);
    const fourth = policy.evaluate(id, allowed) as [{ result: { allow: boolean } }];
    expect(fourth[0].result.allow).toBe(true);
  });
});
