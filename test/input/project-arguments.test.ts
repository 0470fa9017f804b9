import { describe, expect, it } from 'vitest';
import {
  jsonSizeUpTo,
  MAX_ARGUMENT_CHARS,
  MAX_ARGUMENTS_CHARS,
  projectArguments,
} from '../../src/input/project-arguments.js';

describe('projectArguments', () => {
  it('returns the same object when nothing is left out', () => {
    const source = { a: 1, b: 'two' };
    expect(projectArguments(source)).toEqual({ value: source, omitted: [] });
    expect(projectArguments(source).value).toBe(source);
  });

  it('always leaves out _meta and the keys asked for', () => {
    expect(projectArguments({ a: 1, _meta: { t: 1 }, messages: [] }, ['messages'])).toEqual({
      value: { a: 1 },
      omitted: [],
    });
  });

  it('leaves out a value over the per-value limit, nested or not, and names it by pointer', () => {
    const big = 'x'.repeat(MAX_ARGUMENT_CHARS);
    const projected = projectArguments({ keep: 'small', 'a/b': big, nested: { deep: [big] } });
    expect(projected.value).toEqual({ keep: 'small' });
    expect(projected.omitted).toEqual(['/a~1b', '/nested']);
  });

  it('keeps values up to the limit', () => {
    const fits = 'x'.repeat(MAX_ARGUMENT_CHARS - 10);
    expect(projectArguments({ fits }).omitted).toEqual([]);
  });

  it('leaves out later values once the total budget is spent', () => {
    const chunk = 'y'.repeat(MAX_ARGUMENT_CHARS - 10);
    const source: Record<string, string> = {};
    const count = Math.ceil(MAX_ARGUMENTS_CHARS / chunk.length) + 1;
    for (let index = 0; index < count; index += 1) source[`k${index}`] = chunk;
    const projected = projectArguments(source);
    expect(projected.omitted.length).toBeGreaterThan(0);
    expect(Object.keys(projected.value).length + projected.omitted.length).toBe(count);
    expect(JSON.stringify(projected.value).length).toBeLessThanOrEqual(MAX_ARGUMENTS_CHARS + 100);
  });

  it('returns an empty object for missing params', () => {
    expect(projectArguments(undefined)).toEqual({ value: {}, omitted: [] });
  });
});

describe('jsonSizeUpTo', () => {
  it('approximates the JSON length of small values', () => {
    const value = { name: 'abc', list: [1, true, null] };
    const size = jsonSizeUpTo(value, 1000);
    expect(size).toBeGreaterThanOrEqual(JSON.stringify(value).length - 10);
    expect(size).toBeLessThan(1000);
  });

  it('stops counting past the limit, even for a huge array', () => {
    expect(jsonSizeUpTo(new Array(10_000_000).fill(0), 100)).toBe(101);
  });
});
