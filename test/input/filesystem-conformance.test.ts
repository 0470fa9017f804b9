import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containingRoot, resolvePath } from '../../src/input/resolve-path.js';
import { symlinkTree } from './helpers/symlink-tree.js';

/**
 * The real server-filesystem decides where a path lands with `validatePath`.
 * Whenever the shim says a path is within the roots, the server must agree and
 * touch exactly the file the shim resolved; otherwise the policy judged the wrong file.
 */
interface FilesystemLib {
  setAllowedDirectories(directories: string[]): void;
  validatePath(requested: string): Promise<string>;
}
const LIB = '@modelcontextprotocol/server-filesystem/dist/lib.js';

let base: string;
let root: string;
let lib: FilesystemLib;

beforeAll(async () => {
  lib = (await import(LIB)) as FilesystemLib;
  ({ base, root } = symlinkTree('mcp-opa-shim-conformance-'));
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function candidates(): string[] {
  const outside = path.join(base, 'outside');
  return [
    path.join(root, 'inside.txt'),
    path.join(root, 'new', 'file.txt'),
    path.join(root, 'link-out'),
    path.join(root, 'linkdir-out', 'new.txt'),
    path.join(root, 'linkdir-in', 'new.txt'),
    path.join(root, 'dangling'),
    path.join(root, 'caf\u00e9', 'new.txt'),
    `${root}/sub/../inside.txt`,
    `${root}/../outside/secret.txt`,
    path.join(outside, 'secret.txt'),
    path.join(outside, 'new.txt'),
    'inside.txt',
    'sub/new.txt',
    '../outside/secret.txt',
    'beside.txt',
    'outside/secret.txt',
    pathToFileURL(path.join(root, 'inside.txt')).href,
    `${root}/inside.txt\u0000`,
    '~/x',
    `${root}//sub///new.txt`,
  ];
}

async function serverVerdict(raw: string): Promise<string | undefined> {
  try {
    return await lib.validatePath(raw);
  } catch {
    return undefined;
  }
}

describe('path resolution agrees with server-filesystem', () => {
  it('never calls a path within the roots that the server would place elsewhere (server confined to the root)', async () => {
    lib.setAllowedDirectories([root]);
    let within = 0;
    for (const raw of candidates()) {
      const ours = resolvePath('/path', raw, { roots: [root], bases: [root], literalUris: true });
      const server = await serverVerdict(raw);
      if (ours.within_roots) {
        within += 1;
        // server-filesystem reads a file: URI as a literal name; we judged both readings.
        if (raw.startsWith('file:'))
          expect(server === undefined || containingRoot(server, [root]), raw).toBeTruthy();
        else expect(server, raw).toBe(ours.resolved);
      }
      // The converse: what the server accepts inside the root, we accept too (no needless denials).
      if (server !== undefined && containingRoot(server, [root]) !== undefined)
        expect(ours.within_roots, raw).toBe(true);
    }
    expect(within).toBeGreaterThanOrEqual(6);
  });

  it('stays inside the root when the server was given a wider directory than the shim', async () => {
    lib.setAllowedDirectories([base]);
    const bases = [root, base];
    let escapes = 0;
    for (const raw of candidates()) {
      const ours = resolvePath('/path', raw, { roots: [root], bases, literalUris: true });
      const server = await serverVerdict(raw);
      if (server !== undefined && containingRoot(server, [root]) === undefined) {
        escapes += 1;
        expect(ours.within_roots, raw).toBe(false);
      }
    }
    // The wider server really would have read outside the root for several of these.
    expect(escapes).toBeGreaterThanOrEqual(3);
  });
});
