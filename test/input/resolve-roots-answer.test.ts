import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveRootsAnswer } from '../../src/input/resolve-paths.js';
import { tempDir, testContext } from './helpers/input-fixtures.js';

let base: string;
let root: string;

beforeAll(() => {
  base = tempDir('mcp-opa-shim-roots-answer-');
  root = path.join(base, 'root');
  mkdirSync(root);
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

describe('resolveRootsAnswer', () => {
  it('reads a relative root against the server’s working directory when nothing moves it', () => {
    const context = testContext({ roots: [root], command: 'node', args: ['server.js'] });
    const relative = path.relative(process.cwd(), root);
    expect(resolveRootsAnswer({ roots: [{ uri: relative }] }, context)).toMatchObject([
      { pointer: '/roots/0/uri', resolved: root, within_roots: true },
    ]);
  });

  it('refuses a relative root when a cd in the -c string may have moved the server', () => {
    const context = testContext({
      roots: [root],
      command: 'sh',
      args: ['-c', `cd ${base} && exec node server.js`],
    });
    expect(resolveRootsAnswer({ roots: [{ uri: 'root' }] }, context)).toEqual([
      {
        pointer: '/roots/0/uri',
        raw: 'root',
        within_roots: false,
        unresolved_because: 'relative_base_unknown',
      },
    ]);
    // An absolute file:// root needs no base.
    expect(
      resolveRootsAnswer({ roots: [{ uri: pathToFileURL(root).href }] }, context),
    ).toMatchObject([{ resolved: root, within_roots: true }]);
  });
});
