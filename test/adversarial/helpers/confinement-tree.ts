import { createHash, randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../audit-e2e/helpers/audit-files.js';

/**
 * The file tree the path-confinement property attacks. `base` is what server-filesystem is given
 * (wider than the shim's `--root`), so only the shim stands between a path and the outside:
 *
 *   base/root/         the shim's only root; rebuilt before every case
 *   base/root-evil/    a sibling whose name starts with the root's (prefix confusion)
 *   base/outside/      canaries, reached by symlinks from inside the root
 *   base/fence/        where the test drops markers to order inotify events (not a canary)
 *
 * A canary's content, the name of a file no path names, its size and its mtime are unique, so any
 * of them appearing in what the client receives means the server read, listed or stat'ed outside.
 */
export interface ConfinementTree {
  readonly base: string;
  readonly root: string;
  /** Unique to this tree: in every canary's content and in the name no path names. */
  readonly token: string;
  readonly outsideDirs: readonly string[];
  readonly fence: string;
  /** Strings that only reading, listing or stat'ing outside the root can produce. */
  readonly leakMarkers: readonly RegExp[];
}

/** A size and a year no file inside the root has. */
export const CANARY_SIZE = 7331;
const CANARY_TIME = new Date('2003-03-03T03:03:03Z');

export function createConfinementTree(): ConfinementTree {
  const base = tempDir('adv-paths-');
  const token = randomBytes(6).toString('hex');
  const tree: ConfinementTree = {
    base,
    token,
    root: join(base, 'root'),
    outsideDirs: [join(base, 'root-evil'), join(base, 'outside')],
    fence: join(base, 'fence'),
    leakMarkers: [
      new RegExp(`CANARY${token}`),
      new RegExp(`unnamed${token}`),
      new RegExp(`\\b${CANARY_SIZE}\\b`),
      /\b2003\b/,
    ],
  };
  mkdirSync(tree.fence);
  for (const dir of tree.outsideDirs) writeCanaries(dir, token);
  resetRoot(tree);
  return tree;
}

function writeCanaries(dir: string, token: string): void {
  mkdirSync(join(dir, 'deep'), { recursive: true });
  const content = `CANARY${token}`.padEnd(CANARY_SIZE, '.');
  // Names the path grammar uses (so attacks can aim at them) and one it never names.
  for (const file of ['canary.txt', 'a.txt', 'deep/canary.txt', `unnamed${token}.txt`]) {
    writeFileSync(join(dir, file), content);
  }
}

/** Rewrites the outside trees as they were created (after a failing case changed them). */
export function restoreOutside(tree: ConfinementTree): void {
  for (const dir of tree.outsideDirs) {
    rmSync(dir, { recursive: true, force: true });
    writeCanaries(dir, tree.token);
  }
}

/**
 * Sets every outside entry's atime to its (old, unique) mtime. With relatime, the next read or
 * listing then moves atime, which `statOutside` sees. Call it after anything of ours read them.
 */
export function armAtimes(tree: ConfinementTree): void {
  for (const path of outsidePaths(tree)) utimesSync(path, CANARY_TIME, CANARY_TIME);
}

/** Rebuilds the root: files, a directory, symlinks out (file and directory) and in, an NFC name. */
export function resetRoot(tree: ConfinementTree): void {
  const { root } = tree;
  rmSync(root, { recursive: true, force: true }); // rm does not follow the links out
  mkdirSync(join(root, 'sub'), { recursive: true });
  mkdirSync(join(root, 'p'));
  mkdirSync(join(root, 'caf\u00e9'));
  writeFileSync(join(root, 'a.txt'), 'hello inside\n');
  writeFileSync(join(root, 'sub/b.txt'), 'inside b\n');
  writeFileSync(join(root, 'caf\u00e9/c.txt'), 'inside c\n');
  symlinkSync('../outside/canary.txt', join(root, 'lnk-file'));
  symlinkSync('../outside', join(root, 'lnk-dir'));
  symlinkSync('../../outside/canary.txt', join(root, 'p/lnk'));
  symlinkSync('../../outside', join(root, 'p/dlnk'));
  symlinkSync('../root-evil', join(root, 'evil-lnk'));
  symlinkSync('sub', join(root, 'in-lnk'));
  symlinkSync(join(root, 'a.txt'), join(root, 'abs-in-lnk'));
  symlinkSync('dangling-target', join(root, 'dangling'));
}

/** Every path under the outside trees (symlinks not followed). Lists directories: not per case. */
export function outsidePaths(tree: ConfinementTree): string[] {
  const paths: string[] = [];
  const walk = (path: string): void => {
    paths.push(path);
    if (lstatSync(path).isDirectory()) {
      for (const name of readdirSync(path).sort()) walk(join(path, name));
    }
  };
  for (const dir of tree.outsideDirs) walk(dir);
  return paths;
}

/** Listing, types, sizes, modes, mtimes, link targets and content hashes: reads everything. */
export function fullSnapshot(tree: ConfinementTree): string {
  return outsidePaths(tree)
    .map((path) => {
      const stat = lstatSync(path);
      let extra = '';
      if (stat.isSymbolicLink()) extra = `-> ${readlinkSync(path)}`;
      else if (stat.isFile()) extra = createHash('sha256').update(readFileSync(path)).digest('hex');
      return `${path} ${stat.mode} ${stat.size} ${stat.ino} ${stat.mtimeMs} ${extra}`;
    })
    .join('\n');
}

/**
 * lstat of known paths only (opens nothing): atime, mtime, ctime, size, inode, or "missing".
 * A directory's atime is left out: the shim itself lists directories when it resolves a name's
 * unicode-equivalent spelling (src/input/real-path.ts), as server-filesystem does.
 */
export function statOutside(paths: readonly string[]): string {
  return paths
    .map((path) => {
      try {
        const s = lstatSync(path);
        const atime = s.isDirectory() ? '-' : String(s.atimeMs);
        return `${path} ${s.mode} ${s.size} ${s.ino} ${atime} ${s.mtimeMs} ${s.ctimeMs}`;
      } catch {
        return `${path} missing`;
      }
    })
    .join('\n');
}
