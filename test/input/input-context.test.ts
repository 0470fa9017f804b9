import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInputContext } from '../../src/input/input-context.js';
import { tempDir, testConfig } from './helpers/input-fixtures.js';

let base: string;

beforeAll(() => {
  base = tempDir('mcp-opa-shim-context-');
  mkdirSync(path.join(base, 'real'));
  symlinkSync(path.join(base, 'real'), path.join(base, 'alias'));
  writeFileSync(path.join(base, 'file.txt'), '');
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('createInputContext', () => {
  it('realpaths the roots, so a symlinked root cannot be widened later', () => {
    const context = createInputContext(
      testConfig({ roots: [path.join(base, 'alias'), path.join(base, 'real')] }),
      [],
    );
    expect(context.roots).toEqual([path.join(base, 'real')]);
  });

  it('refuses a root that does not exist or is not a directory, naming the option', () => {
    expect(() =>
      createInputContext(testConfig({ roots: [path.join(base, 'missing')] }), []),
    ).toThrow(/`--root`.*missing/);
    expect(() =>
      createInputContext(testConfig({ roots: [path.join(base, 'file.txt')] }), []),
    ).toThrow(/`--root`/);
  });

  it('refuses a path pointer that is not a JSON pointer', () => {
    expect(() => createInputContext(testConfig({ pathPointers: ['file'] }), [])).toThrow(
      /`--path-pointer`.*`file`/,
    );
    expect(createInputContext(testConfig({ pathPointers: ['/file'] }), []).pathPointers).toEqual([
      '/file',
    ]);
  });

  it('freezes what it precomputes', () => {
    const context = createInputContext(testConfig(), ['B', 'A']);
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context.environmentNames)).toBe(true);
    expect(Object.isFrozen(context.principal.roles)).toBe(true);
    expect(context.environmentNames).toEqual(['A', 'B']);
    expect(context.server).toEqual({
      id: 'filesystem',
      command: ['npx', '-y', '@modelcontextprotocol/server-filesystem'],
    });
  });

  it('reads relative paths against the server’s own directories as well as the roots', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], args: ['-y', '@modelcontextprotocol/server-filesystem', base] }),
      [],
    );
    expect(context.relativeBases).toEqual([root, base]);
    const confined = createInputContext(
      testConfig({ roots: [root], args: ['server.js', root] }),
      [],
    );
    expect(confined.relativeBases).toEqual([root]);
  });
});
