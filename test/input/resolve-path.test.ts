import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containingRoot, resolvePath } from '../../src/input/resolve-path.js';
import { symlinkTree } from './helpers/symlink-tree.js';

let base: string;
let root: string;
let outside: string;
const savedHome = process.env.HOME;

beforeAll(() => {
  ({ base, root, outside } = symlinkTree('mcp-opa-shim-paths-'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

afterEach(() => {
  if (savedHome === undefined) delete process.env.HOME;
  else process.env.HOME = savedHome;
});

function judged(raw: string, bases?: readonly string[]) {
  return resolvePath('/path', raw, { roots: [root], bases: bases ?? [root] });
}

describe('resolvePath', () => {
  it('accepts a file inside the root and names the root', () => {
    expect(judged(path.join(root, 'inside.txt'))).toEqual({
      pointer: '/path',
      raw: path.join(root, 'inside.txt'),
      resolved: path.join(root, 'inside.txt'),
      within_roots: true,
      root,
    });
  });

  it('rejects a secret file outside the root', () => {
    const result = judged(path.join(outside, 'secret.txt'));
    expect(result).toMatchObject({
      resolved: path.join(outside, 'secret.txt'),
      within_roots: false,
    });
    expect(result.root).toBeUndefined();
  });

  // The same check for each case: where the path really lands and whether that is in the root.
  const cases: { title: string; raw: () => string; resolved: () => string; within: boolean }[] = [
    {
      title: 'follows a symlink inside the root that stays inside',
      raw: () => path.join(root, 'link-in'),
      resolved: () => path.join(root, 'inside.txt'),
      within: true,
    },
    {
      title: 'rejects a symlink inside the root that points outside',
      raw: () => path.join(root, 'link-out'),
      resolved: () => path.join(outside, 'secret.txt'),
      within: false,
    },
    {
      title: 'rejects a new file below a symlinked directory that points outside',
      raw: () => path.join(root, 'linkdir-out', 'new.txt'),
      resolved: () => path.join(outside, 'dir', 'new.txt'),
      within: false,
    },
    {
      title: 'applies .. that stays inside the root',
      raw: () => `${root}/sub/../inside.txt`,
      resolved: () => path.join(root, 'inside.txt'),
      within: true,
    },
    {
      title: 'rejects .. traversal out of the root',
      raw: () => `${root}/sub/../../outside/secret.txt`,
      resolved: () => path.join(outside, 'secret.txt'),
      within: false,
    },
    {
      title: 'rejects a relative path that climbs out of the root',
      raw: () => '../outside/secret.txt',
      resolved: () => path.join(outside, 'secret.txt'),
      within: false,
    },
    {
      title: 'treats ~user as a relative name, as server-filesystem does',
      raw: () => '~bob/x',
      resolved: () => path.join(root, '~bob', 'x'),
      within: true,
    },
    {
      title: 'accepts a file:// URI inside the root',
      raw: () => pathToFileURL(path.join(root, 'inside.txt')).href,
      resolved: () => path.join(root, 'inside.txt'),
      within: true,
    },
    {
      title: 'accepts a target that does not exist yet inside the root',
      raw: () => path.join(root, 'new', 'deeper.txt'),
      resolved: () => path.join(root, 'new', 'deeper.txt'),
      within: true,
    },
    {
      title: 'rejects a target that does not exist yet outside the root',
      raw: () => path.join(outside, 'new.txt'),
      resolved: () => path.join(outside, 'new.txt'),
      within: false,
    },
    {
      title: 'follows a Unicode-equivalent name to where it really points',
      raw: () => path.join(root, 'caf\u00e9', 'new.txt'),
      resolved: () => path.join(outside, 'dir', 'new.txt'),
      within: false,
    },
  ];
  for (const { title, raw, resolved, within } of cases) {
    it(title, () => {
      expect(judged(raw())).toMatchObject({ resolved: resolved(), within_roots: within });
    });
  }

  it('reads a relative path against the root', () => {
    expect(judged('sub/../inside.txt')).toMatchObject({
      resolved: path.join(root, 'inside.txt'),
      within_roots: true,
      root,
    });
  });

  it('accepts a relative path only when every base keeps it inside', () => {
    expect(judged('inside.txt', [root, path.join(root, 'sub')])).toEqual({
      pointer: '/path',
      raw: 'inside.txt',
      within_roots: true,
      root,
      unresolved_because: 'relative_base_ambiguous',
    });
    expect(judged('outside/secret.txt', [root, base])).toMatchObject({ within_roots: false });
  });

  it('claims no single resolved file when the bases turn a relative path into several', () => {
    const result = resolvePath('/path', 'inside.txt', {
      roots: [],
      bases: [root, path.join(root, 'sub')],
    });
    expect(result.resolved).toBeUndefined();
    expect(result.unresolved_because).toBe('relative_base_ambiguous');
    // Bases that agree (a directory as written and realpath'd) still name the file.
    expect(judged('inside.txt', [root, root])).toMatchObject({
      resolved: path.join(root, 'inside.txt'),
    });
  });

  it('follows a base that is a symlink into a wider tree', () => {
    expect(judged('x.txt', [root, path.join(root, 'linkdir-out')])).toMatchObject({
      resolved: path.join(outside, 'dir', 'x.txt'),
      within_roots: false,
    });
  });

  describe('when the server’s bases are unknown', () => {
    function unknown(raw: string) {
      return resolvePath('/path', raw, { roots: [root], bases: undefined, literalUris: true });
    }

    it.each([
      ['a plain name', 'secret.txt'],
      ['a name below a directory', 'outdir/x'],
      ['.', '.'],
      ['./ and ..', './sub/../inside.txt'],
      ['~user, which server-filesystem reads as a relative name', '~nobody/x'],
      ['~ in the middle', 'a/~/b'],
      ['backslashes (a literal name on POSIX)', '..\\outside\\secret.txt'],
      ['a UNC-looking name', '\\\\host\\share'],
      ['a relative file: URI, read literally by server-filesystem', 'file:secret.txt'],
    ])('denies %s as relative_base_unknown', (_title, raw) => {
      expect(unknown(raw)).toEqual({
        pointer: '/path',
        raw,
        within_roots: false,
        unresolved_because: 'relative_base_unknown',
      });
    });

    it('still judges absolute paths, ~/ and file:/// URIs', () => {
      process.env.HOME = root;
      expect(unknown(path.join(root, 'inside.txt'))).toMatchObject({ within_roots: true });
      expect(unknown('~/inside.txt')).toMatchObject({ within_roots: true });
      expect(unknown(path.join(outside, 'secret.txt'))).toMatchObject({ within_roots: false });
      // Decoded, the URI is inside; read literally (as server-filesystem's tools do) it is relative.
      expect(unknown(pathToFileURL(path.join(root, 'inside.txt')).href)).toMatchObject({
        within_roots: false,
        unresolved_because: 'relative_base_unknown',
      });
    });

    it('treats an empty list of bases as unknown, not as the shim’s working directory', () => {
      expect(resolvePath('/path', 'inside.txt', { roots: [root], bases: [] })).toMatchObject({
        within_roots: false,
        unresolved_because: 'relative_base_unknown',
      });
    });

    it('leaves empty and NUL paths unresolvable without a reason', () => {
      expect(unknown('')).toEqual({ pointer: '/path', raw: '', within_roots: false });
      expect(unknown('a\u0000b')).toEqual({
        pointer: '/path',
        raw: 'a\u0000b',
        within_roots: false,
      });
    });
  });

  it('expands ~ and ~/ to the home directory', () => {
    process.env.HOME = root;
    expect(judged('~')).toMatchObject({ resolved: root, within_roots: true });
    expect(judged('~/inside.txt')).toMatchObject({
      resolved: path.join(root, 'inside.txt'),
      within_roots: true,
    });
  });

  it('rejects ~/ paths that leave the root', () => {
    process.env.HOME = root;
    expect(judged('~/../outside/secret.txt')).toMatchObject({
      resolved: path.join(outside, 'secret.txt'),
      within_roots: false,
    });
  });

  it('rejects a file:// URI outside the root, including percent-encoded traversal', () => {
    expect(judged(pathToFileURL(path.join(outside, 'secret.txt')).href)).toMatchObject({
      within_roots: false,
    });
    expect(judged(`${pathToFileURL(root).href}/%2E%2E/outside/secret.txt`)).toMatchObject({
      within_roots: false,
    });
  });

  it('refuses URIs that are not local files', () => {
    expect(judged('https://example.com/inside.txt')).toEqual({
      pointer: '/path',
      raw: 'https://example.com/inside.txt',
      within_roots: false,
    });
    expect(judged('file://remote-host/etc/passwd')).toMatchObject({ within_roots: false });
    expect(judged('file://remote-host/etc/passwd').resolved).toBeUndefined();
  });

  it('refuses a dangling symlink, which a write would follow out of the root', () => {
    const result = judged(path.join(root, 'dangling'));
    expect(result.within_roots).toBe(false);
    expect(result.resolved).toBeUndefined();
  });

  it('refuses a NUL byte as unresolvable', () => {
    expect(judged(`${root}/inside.txt\u0000../../outside/secret.txt`)).toEqual({
      pointer: '/path',
      raw: `${root}/inside.txt\u0000../../outside/secret.txt`,
      within_roots: false,
    });
    expect(judged('file:///tmp/a%00b').within_roots).toBe(false);
  });

  it('refuses a Windows drive path on POSIX instead of reading it as relative', () => {
    expect(judged('C:\\Users\\me\\secret.txt').within_roots).toBe(false);
  });

  it('counts every resolvable path as within when no roots are configured', () => {
    const result = resolvePath('/path', path.join(outside, 'secret.txt'), { roots: [], bases: [] });
    expect(result).toEqual({
      pointer: '/path',
      raw: path.join(outside, 'secret.txt'),
      resolved: path.join(outside, 'secret.txt'),
      within_roots: true,
    });
    expect(resolvePath('/path', 'a\u0000b', { roots: [], bases: [] }).within_roots).toBe(false);
  });

  it('never throws, whatever the input', () => {
    for (const raw of [
      '',
      '\u0000',
      'file:',
      'file://%',
      '~',
      '/'.repeat(5000),
      'a/'.repeat(5000),
      'http:',
      '..',
    ]) {
      expect(() => judged(raw)).not.toThrow();
    }
  });
});

describe('containingRoot', () => {
  it('picks the most specific root and refuses a sibling that shares a prefix', () => {
    expect(containingRoot('/srv/app/data/x', ['/srv', '/srv/app'])).toBe('/srv/app');
    expect(containingRoot('/srv/app-evil/x', ['/srv/app'])).toBeUndefined();
    expect(containingRoot('/anything', ['/'])).toBe('/');
  });
});
