import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * The real path of an absolute, lexically normalised path, following symlinks.
 * A target that does not exist yet (a file about to be written) resolves through
 * the real path of its nearest existing ancestor plus the missing tail.
 * Undefined when the path cannot be resolved safely: a dangling symlink (writing
 * would follow it), a loop, no permission, or an ambiguous Unicode name.
 * Never throws.
 */
export function realPath(absolute: string): string | undefined {
  try {
    return resolve(absolute, 0);
  } catch {
    return undefined;
  }
}

// Each retry swaps one missing component for its Unicode-equivalent sibling; bound it anyway.
const MAX_RETRIES = 64;

function resolve(absolute: string, retries: number): string | undefined {
  // existsSync answers a missing target without throwing (exceptions dominate the cost).
  if (existsSync(absolute)) {
    const direct = tryRealpath(absolute);
    if (direct === 'failed') return undefined;
    if (direct !== 'missing') return direct.real;
  }
  // Walk up with lstat, which reports a missing entry without the cost of an exception.
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    const exists = entryExists(current);
    if (exists === 'failed') return undefined;
    if (exists) break;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    missing.push(path.basename(current));
    current = parent;
  }
  // An entry that exists but has no real path is a dangling symlink: a write would follow it.
  if (missing.length === 0) return undefined;
  const ancestor = tryRealpath(current);
  if (ancestor === 'failed' || ancestor === 'missing') return undefined;
  return finish(ancestor.real, missing.reverse(), retries);
}

/**
 * server-filesystem matches a missing component to a Unicode-equivalent (NFC)
 * directory entry and follows it, so we must do the same to see where it lands.
 */
function finish(real: string, missing: readonly string[], retries: number): string | undefined {
  const [first, ...rest] = missing;
  if (first === undefined) return real;
  const equivalent = readdirSync(real).filter(
    (entry) => entry.normalize('NFC') === first.normalize('NFC'),
  );
  if (equivalent.length > 1) return undefined;
  const [match] = equivalent;
  if (match === undefined || match === first) return path.join(real, ...missing);
  if (retries >= MAX_RETRIES) return undefined;
  return resolve(path.join(real, match, ...rest), retries + 1);
}

function tryRealpath(target: string): { readonly real: string } | 'missing' | 'failed' {
  try {
    return { real: realpathSync.native(target) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'failed';
  }
}

function entryExists(target: string): boolean | 'failed' {
  try {
    return lstatSync(target, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return 'failed';
  }
}
