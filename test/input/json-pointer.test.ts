import { describe, expect, it } from 'vitest';
import { collectStrings, escapeToken, parsePointer } from '../../src/input/json-pointer.js';

describe('parsePointer', () => {
  it('unescapes ~1 and ~0 in that order', () => {
    expect(parsePointer('/a~1b/c~0d/~01')).toEqual(['a/b', 'c~d', '~1']);
    expect(parsePointer('')).toEqual([]);
  });

  it('refuses text that is not a pointer', () => {
    expect(parsePointer('path')).toBeUndefined();
  });
});

describe('collectStrings', () => {
  const args = {
    path: '/a',
    paths: ['/b', 3, '/c'],
    nested: { 'x/y': '/d', list: [{ file: '/e' }, { file: 5 }, { file: '/f' }] },
  };

  it('finds a string and every string of an array', () => {
    expect(collectStrings(args, ['path'])).toEqual([{ pointer: '/path', value: '/a' }]);
    expect(collectStrings(args, ['paths'])).toEqual([
      { pointer: '/paths/0', value: '/b' },
      { pointer: '/paths/2', value: '/c' },
    ]);
  });

  it('re-escapes keys in the pointers it reports', () => {
    expect(collectStrings(args, ['nested', 'x/y'])).toEqual([
      { pointer: '/nested/x~1y', value: '/d' },
    ]);
    expect(escapeToken('a~/b')).toBe('a~0~1b');
  });

  it('matches every element with *', () => {
    expect(collectStrings(args, ['nested', 'list', '*', 'file']).map((hit) => hit.pointer)).toEqual(
      ['/nested/list/0/file', '/nested/list/2/file'],
    );
  });

  it('finds nothing where the pointer does not lead, or leads to a prototype member', () => {
    expect(collectStrings(args, ['missing'])).toEqual([]);
    expect(collectStrings(args, ['paths', '01'])).toEqual([]);
    expect(collectStrings({}, ['constructor', 'name'])).toEqual([]);
  });
});
