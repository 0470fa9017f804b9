import { describe, expect, it } from 'vitest';
import { hasEscapes, skipString, stringEnd } from '../../src/messages/json-tokens.js';

function skip(text: string): number {
  const bytes = Buffer.from(text);
  return skipString(bytes, 0, bytes.length);
}

describe('skipString', () => {
  it('returns the index after a plain string and says it holds no escapes', () => {
    const skipped = skip('"name": 1');
    expect(stringEnd(skipped)).toBe(6);
    expect(hasEscapes(skipped)).toBe(false);
  });

  it('returns the index after a string with escapes and says so', () => {
    const skipped = skip('"\\u0069d": 1');
    expect(stringEnd(skipped)).toBe(9);
    expect(hasEscapes(skipped)).toBe(true);
  });

  it('says so for each string on its own, not for the one read before', () => {
    expect(hasEscapes(skip('"a\\nb"'))).toBe(true);
    expect(hasEscapes(skip('"ab"'))).toBe(false);
  });

  it('returns -1 for an unterminated string or a bad escape', () => {
    expect(skip('"open')).toBe(-1);
    expect(skip('"\\x"')).toBe(-1);
  });
});
