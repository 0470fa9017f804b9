import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './input-fixtures.js';

export interface SymlinkTree {
  readonly base: string;
  readonly root: string;
  readonly outside: string;
}

/**
 * A temp dir with a `root` and an `outside` beside it, and the links the path tests probe:
 * links out of the root (file, directory, dangling, a decomposed "café") and links within it.
 */
export function symlinkTree(prefix: string): SymlinkTree {
  const base = tempDir(prefix);
  const root = path.join(base, 'root');
  const outside = path.join(base, 'outside');
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(path.join(outside, 'dir'), { recursive: true });
  writeFileSync(path.join(root, 'inside.txt'), 'ok');
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
  writeFileSync(path.join(base, 'beside.txt'), 'beside');
  symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link-out'));
  symlinkSync(path.join(outside, 'dir'), path.join(root, 'linkdir-out'));
  symlinkSync(path.join(root, 'inside.txt'), path.join(root, 'link-in'));
  symlinkSync(path.join(root, 'sub'), path.join(root, 'linkdir-in'));
  symlinkSync(path.join(outside, 'not-yet'), path.join(root, 'dangling'));
  // "café" spelled decomposed (NFD) on disk, pointing outside.
  symlinkSync(path.join(outside, 'dir'), path.join(root, 'cafe\u0301'));
  return { base, root, outside };
}
