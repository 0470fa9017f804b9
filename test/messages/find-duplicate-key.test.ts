import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../src/messages/find-duplicate-key.js';

describe('findDuplicateKey', () => {
  it('accepts a request whose objects all have unique keys', () => {
    const text =
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"a":1,"b":[{"a":2},{"a":3}]}}}';
    expect(findDuplicateKey(text)).toBeUndefined();
  });

  it('finds a duplicated tool name that would let two parsers disagree', () => {
    const text =
      '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","name":"delete_all"}}';
    expect(findDuplicateKey(text)).toBe('name');
  });

  it('finds duplicates spelled with escapes', () => {
    expect(findDuplicateKey('{"method":"a","\\u006dethod":"b"}')).toBe('method');
  });

  it('does not mistake string values or nested keys for duplicates', () => {
    expect(findDuplicateKey('{"a":"a","b":{"a":"\\"a\\""},"c":["a","a"]}')).toBeUndefined();
  });

  it('handles escaped quotes and backslashes inside strings', () => {
    expect(findDuplicateKey('{"a\\\\":1,"b":"x\\\\","a\\\\":2}')).toBe('a\\');
    expect(findDuplicateKey('{"a":"\\\\\\"","b":1}')).toBeUndefined();
  });

  it('checks every element of a batch', () => {
    expect(findDuplicateKey('[{"id":1,"method":"ping"},{"id":2,"id":3,"method":"ping"}]')).toBe(
      'id',
    );
  });

  it('keeps checking after an empty object and an empty array', () => {
    expect(findDuplicateKey('{"a":{},"b":[],"c":1,"a":2}')).toBe('a');
  });
});
