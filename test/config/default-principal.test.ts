import { describe, expect, it } from 'vitest';
import { defaultPrincipalId } from '../../src/config/default-principal.js';

const fails = (): string => {
  throw new Error('no passwd entry');
};

describe('the default principal id', () => {
  it('is the OS account name when there is one', () => {
    expect(defaultPrincipalId(() => 'alice', { USER: 'bob' })).toBe('alice');
  });

  it('falls back to USER, then LOGNAME, then USERNAME', () => {
    expect(defaultPrincipalId(fails, { USER: 'bob', LOGNAME: 'carol' })).toBe('bob');
    expect(defaultPrincipalId(fails, { USER: '', LOGNAME: 'carol' })).toBe('carol');
    expect(defaultPrincipalId(() => ' ', { USERNAME: 'dave' })).toBe('dave');
  });

  it('is undefined when nothing names the user', () => {
    expect(defaultPrincipalId(fails, {})).toBeUndefined();
  });
});
