import { realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';

/**
 * Roots for offline reports: absolute, and realpath'd when they exist on this machine (a log is
 * often audited elsewhere than where it was written, so a missing directory is fine).
 */
export function normaliseRoots(rawRoots: readonly string[], cwd = process.cwd()): string[] {
  return [
    ...new Set(
      rawRoots.map((raw) => {
        const absolute = resolve(cwd, raw);
        try {
          return realpathSync(absolute);
        } catch {
          return absolute;
        }
      }),
    ),
  ];
}

/** The root that contains `path` (itself or below it), or undefined. */
export function rootContaining(path: string, roots: readonly string[]): string | undefined {
  return roots.find(
    (root) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep),
  );
}
