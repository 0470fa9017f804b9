import { describe, expect, it } from 'vitest';
import { applyMask } from '../../src/audit/apply-mask.js';
import type { MaskRule } from '../../src/core/decision.js';

interface Case {
  readonly note: string;
  readonly rules: readonly MaskRule[];
  readonly input: unknown;
  readonly want: { input: unknown; result?: unknown; erased: string[]; masked: string[] };
}

const args = () => ({
  arguments: { path: 'a.txt', password: 'pw', nested: { key: 'k', list: ['x', 'y', 'z'] } },
});

// Cases follow OPA's plugins/logs/mask.go.
const cases: readonly Case[] = [
  {
    note: 'an erase pointer removes the field and lists it in erased',
    rules: ['/input/arguments/password'],
    input: args(),
    want: {
      input: { arguments: { path: 'a.txt', nested: { key: 'k', list: ['x', 'y', 'z'] } } },
      erased: ['/input/arguments/password'],
      masked: [],
    },
  },
  {
    note: 'erasing a missing field is a no-op and is not listed',
    rules: ['/input/arguments/absent', '/input/nothing/here'],
    input: args(),
    want: { input: args(), erased: [], masked: [] },
  },
  {
    note: 'remove op removes an array element by index',
    rules: [{ op: 'remove', path: '/input/arguments/nested/list/1' }],
    input: args(),
    want: {
      input: {
        arguments: { path: 'a.txt', password: 'pw', nested: { key: 'k', list: ['x', 'z'] } },
      },
      erased: ['/input/arguments/nested/list/1'],
      masked: [],
    },
  },
  {
    note: 'upsert replaces an existing value and lists it in masked',
    rules: [{ op: 'upsert', path: '/input/arguments/password', value: '**REDACTED**' }],
    input: args(),
    want: {
      input: { arguments: { ...args().arguments, password: '**REDACTED**' } },
      erased: [],
      masked: ['/input/arguments/password'],
    },
  },
  {
    note: 'upsert creates missing objects on the way',
    rules: [{ op: 'upsert', path: '/input/extra/flag', value: true }],
    input: { a: 1 },
    want: { input: { a: 1, extra: { flag: true } }, erased: [], masked: ['/input/extra/flag'] },
  },
  {
    note: 'erasing /input removes the whole input',
    rules: ['/input'],
    input: args(),
    want: { input: null, erased: ['/input'], masked: [] },
  },
  {
    note: 'a rule on /result masks the result',
    rules: ['/result/internal_message'],
    input: { a: 1 },
    want: {
      input: { a: 1 },
      result: { allow: false },
      erased: ['/result/internal_message'],
      masked: [],
    },
  },
  {
    note: 'path parts are URL-unescaped',
    rules: ['/input/odd%2Fkey'],
    input: { 'odd/key': 1, keep: 2 },
    want: { input: { keep: 2 }, erased: ['/input/odd%2Fkey'], masked: [] },
  },
  {
    note: 'a rule OPA would reject erases the whole input (fail closed)',
    rules: ['/data/secret', { op: 'replace' as 'upsert', path: '/input/a' }],
    input: args(),
    want: { input: null, erased: ['/input'], masked: [] },
  },
];

describe('applyMask', () => {
  for (const c of cases) {
    it(c.note, () => {
      const event = {
        input: c.input,
        result: { allow: false, internal_message: 'why' } as unknown,
      };
      const outcome = applyMask(event, c.rules);
      expect(event.input).toEqual(c.want.input);
      if (c.want.result !== undefined) expect(event.result).toEqual(c.want.result);
      expect(outcome).toEqual({ erased: c.want.erased, masked: c.want.masked });
    });
  }
});
