import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DENY_MESSAGE,
  FAIL_CLOSED_MESSAGE,
  normaliseDecision,
  normaliseDrop,
  normaliseMaskRules,
} from '../../src/policy/normalise-decision.js';

const EP = 'mcp/decision';
const one = (result: unknown) => [{ result }];

describe('normaliseDecision', () => {
  it('keeps conceal only when the policy sets it to exactly true', () => {
    expect(normaliseDecision(one({ allow: false, conceal: true }), EP)).toMatchObject({
      conceal: true,
    });
    for (const conceal of ['true', 1, false, undefined])
      expect(normaliseDecision(one({ allow: false, conceal }), EP)).not.toHaveProperty('conceal');
  });

  it('allows only an object whose allow is true, keeping its fields', () => {
    const decision = normaliseDecision(
      one({
        allow: true,
        reasons: ['ok', 3],
        message: 'fine',
        internal_message: 'log',
        obligations: { x: 1 },
      }),
      EP,
    );
    expect(decision).toEqual({
      allow: true,
      reasons: ['ok'],
      message: 'fine',
      internal_message: 'log',
      obligations: { x: 1 },
    });
  });

  it('denies allow: false without an error and gives a default message', () => {
    expect(normaliseDecision(one({ allow: false }), EP)).toEqual({
      allow: false,
      reasons: [],
      message: DEFAULT_DENY_MESSAGE,
    });
  });

  it.each([
    ['undefined (an empty result set)', [], /is undefined/],
    [
      'several results',
      [{ result: { allow: true } }, { result: { allow: true } }],
      /returned 2 results/,
    ],
    ['not a result set', { allow: true }, /malformed result set/],
    ['a result that is not an object', one('allow'), /returned the string "allow"/],
    ['an array result', one([true]), /returned an array/],
    ['null', one(null), /returned null/],
    ['allow: "yes"', one({ allow: 'yes' }), /`allow` must be the boolean true.*"yes"/],
    ['allow: 1', one({ allow: 1 }), /got number 1/],
    ['no allow at all', one({ reasons: [] }), /got no `allow`/],
  ])('denies %s, saying why', (_title, resultSet, why) => {
    const decision = normaliseDecision(resultSet, EP);
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(why);
    expect(
      decision.message === FAIL_CLOSED_MESSAGE || decision.message === DEFAULT_DENY_MESSAGE,
    ).toBe(true);
  });
});

describe('normaliseMaskRules and normaliseDrop', () => {
  it('pass mask rules on and treat undefined as nothing to mask', () => {
    const rule = { op: 'upsert', path: '/input/x', value: 1 };
    expect(normaliseMaskRules(one(['/input/a', rule]))).toEqual(['/input/a', rule]);
    expect(normaliseMaskRules([])).toEqual([]);
  });

  it('erase the input when the mask result is malformed', () => {
    expect(normaliseMaskRules(one('nope'))).toEqual(['/input']);
    expect(normaliseMaskRules(one([42]))).toEqual(['']);
  });

  it('drop only on an explicit true', () => {
    expect(normaliseDrop(one(true))).toBe(true);
    expect(normaliseDrop(one('true'))).toBe(false);
    expect(normaliseDrop([])).toBe(false);
  });
});
