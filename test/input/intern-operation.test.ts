import { describe, expect, it } from 'vitest';
import { internOperation } from '../../src/input/intern-operation.js';
import type { Operation } from '../../src/input/policy-input.js';

const call = (overrides: Partial<Operation> = {}): Operation => ({
  type: 'tool',
  name: 'read_file',
  listing: false,
  listed: true,
  annotations: { readOnlyHint: true },
  description_sha256: 'ab',
  ...overrides,
});

describe('internOperation', () => {
  it('returns one deeply frozen object for equal operations', () => {
    const first = internOperation(call());
    expect(internOperation(call())).toBe(first);
    expect(first).toEqual(call());
    expect(Object.isFrozen(first.annotations)).toBe(true);
  });

  it('keeps operations apart that differ in any field, absent or present', () => {
    const variants = [
      call(),
      call({ name: 'write_file' }),
      call({ listing: true }),
      call({ annotations: { readOnlyHint: false } }),
      call({ annotations: { readOnlyHint: true, title: 'Read' } }),
      call({ description_sha256: 'cd' }),
      { type: 'tool', name: 'read_file', listing: false } as Operation,
      { type: 'tool', listing: false } as Operation,
    ];
    const interned = variants.map(internOperation);
    expect(new Set(interned).size).toBe(variants.length);
    interned.forEach((operation, index) => {
      expect(operation).toEqual(variants[index]);
    });
  });

  it('passes through, unfrozen, an operation with details or a field of an unexpected type', () => {
    const withDetails: Operation = { type: 'sampling', listing: false, details: { mode: 'x' } };
    const nullName = { ...call(), name: null } as unknown as Operation;
    const extraHint = call({ annotations: { readOnlyHint: true, other: 1 } as never });
    for (const operation of [withDetails, nullName, extraHint]) {
      expect(internOperation(operation)).toBe(operation);
      expect(Object.isFrozen(operation)).toBe(false);
    }
  });
});
