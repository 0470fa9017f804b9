import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInputContext } from '../../src/input/input-context.js';
import { resolveArgumentPaths } from '../../src/input/resolve-paths.js';
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

  it('reads relative paths against the roots, the server’s directories and its working directory', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], args: ['-y', '@modelcontextprotocol/server-filesystem', base] }),
      [],
    );
    expect(context.relativeBases).toEqual([root, process.cwd(), base]);
    expect(context.serverCwd).toBe(process.cwd());
  });

  it('keeps a symlinked directory argument as written as well as realpath’d (.. climbs from the link)', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], command: 'node', args: ['server.js', path.join(base, 'alias')] }),
      [],
    );
    expect(context.relativeBases).toEqual([root, process.cwd(), path.join(base, 'alias')]);
  });

  it('reads the directories inside an `sh -c` string', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], command: 'sh', args: ['-c', `exec node server.js '${base}'`] }),
      [],
    );
    expect(context.relativeBases).toEqual([root, process.cwd(), base]);
  });

  it('knows no base when the command line hides them, and says why', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], command: 'sh', args: ['-c', `cd ${base} && exec node s.js .`] }),
      [],
    );
    expect(context.relativeBases).toBeUndefined();
    expect(context.serverCwd).toBeUndefined();
    expect(context.relativeBasesUnknown).toMatch(/`&`/);
  });

  it('takes --path-base instead of the working directory, and with a hidden command line', () => {
    const root = path.join(base, 'real');
    const hidden = createInputContext(
      testConfig({
        roots: [root],
        command: 'sh',
        args: ['-c', `cd ${root} && exec node s.js .`],
        pathBases: [root],
      }),
      [],
    );
    expect(hidden.relativeBases).toEqual([root]);
    expect(hidden.serverCwd).toBeUndefined();
    const visible = createInputContext(
      testConfig({ roots: [root], command: 'node', args: ['s.js', base], pathBases: [root] }),
      [],
    );
    // A visible directory still counts: the option cannot narrow what the server is seen to use.
    expect(visible.relativeBases).toEqual([root, base]);
  });

  it('knows the server’s home: the HOME it receives, or the account’s without one', () => {
    expect(createInputContext(testConfig(), ['HOME']).serverHome).toBe(process.env.HOME);
    expect(createInputContext(testConfig({ envAllow: ['PATH'] }), ['PATH']).serverHome).toBe(
      os.userInfo().homedir,
    );
  });

  it('does not know the server’s home when HOME comes from an --env-file, and then reads no ~ base', () => {
    const root = path.join(base, 'real');
    const context = createInputContext(
      testConfig({ roots: [root], envAllow: ['PATH'], command: 'node', args: ['s.js', '~/wide'] }),
      ['PATH', 'HOME'],
    );
    expect(context.serverHome).toBeUndefined();
    expect(context.relativeBases).toBeUndefined();
    expect(context.relativeBasesUnknown).toMatch(/home directory is not known/);
    const paths = resolveArgumentPaths({ path: '~/notes.txt' }, context);
    expect(paths).toEqual([
      {
        pointer: '/path',
        raw: '~/notes.txt',
        within_roots: false,
        unresolved_because: 'relative_base_unknown',
      },
    ]);
  });
});
