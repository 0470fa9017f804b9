import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedPath } from '../core/policy-input.js';
import { realPath } from './real-path.js';

const URI_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WINDOWS_DRIVE = /^[a-z]:([\\/]|$)/i;

export interface ResolveOptions {
  /** realpath'd absolute roots; empty when none are configured. */
  readonly roots: readonly string[];
  /**
   * Directories a relative path may be read against. Every interpretation must
   * fall inside the roots, or the path counts as outside. Undefined or empty:
   * the server's bases are unknown, so no relative path is within the roots.
   */
  readonly bases: readonly string[] | undefined;
  /**
   * Also read a `file:` URI as a literal relative name: server-filesystem's
   * tools do not decode URIs, so `file:///x` names `<base>/file:/x` there.
   */
  readonly literalUris?: boolean;
  /**
   * What `~` means to the server; absent: the shim's home. Present but undefined: the server's
   * home is not known, so `~` and `~/…` are refused like a relative path with no base.
   */
  readonly home?: string | undefined;
}

/**
 * Resolves one raw path the way the wrapped server will: `file://` URIs become
 * paths, `~` and `~/` expand to the home directory, `..` is applied lexically,
 * then symlinks are followed.
 * Never throws; an unresolvable path is never within the roots.
 */
export function resolvePath(pointer: string, raw: string, options: ResolveOptions): ResolvedPath {
  const absolutes = toAbsolutes(raw, options);
  if (absolutes === BASE_UNKNOWN)
    return { pointer, raw, within_roots: false, unresolved_because: 'relative_base_unknown' };
  if (absolutes === undefined) return { pointer, raw, within_roots: false };
  const targets = new Map<string, string | undefined>();
  for (const absolute of absolutes) {
    const resolved = realPath(absolute);
    if (resolved === undefined) return { pointer, raw, within_roots: false };
    const root = containingRoot(resolved, options.roots);
    if (options.roots.length > 0 && root === undefined)
      return { pointer, raw, resolved, within_roots: false };
    targets.set(resolved, root);
  }
  const [first, ...others] = targets;
  if (first === undefined) return { pointer, raw, within_roots: false };
  // Several bases give several files: every one is inside, but which the server acts on is not
  // known, so no single `resolved` is claimed (a policy judging `resolved` must deny).
  if (others.length > 0) {
    const roots = new Set(targets.values());
    const [root] = roots;
    const common = roots.size === 1 && root !== undefined ? { root } : {};
    return {
      pointer,
      raw,
      within_roots: true,
      ...common,
      unresolved_because: 'relative_base_ambiguous',
    };
  }
  const [resolved, root] = first;
  return root === undefined
    ? { pointer, raw, resolved, within_roots: true }
    : { pointer, raw, resolved, within_roots: true, root };
}

const BASE_UNKNOWN = 'relative base unknown';

/**
 * Lexically normalised absolute candidates, undefined when the raw value is not a usable path,
 * or BASE_UNKNOWN when it is relative and the server's bases are not known.
 */
function toAbsolutes(
  raw: string,
  options: ResolveOptions,
): string[] | typeof BASE_UNKNOWN | undefined {
  if (raw === '' || raw.includes('\0')) return undefined;
  if (/^file:/i.test(raw)) {
    let local: string;
    try {
      local = fileURLToPath(raw);
    } catch {
      return undefined;
    }
    // Decoding may reveal %00; a decoded path is absolute, so this does not recurse further.
    const fromUri = toAbsolutes(local, options);
    if (!Array.isArray(fromUri) || options.literalUris !== true) return fromUri;
    const literal = relativeTo(raw, options);
    return literal === BASE_UNKNOWN ? literal : [...fromUri, ...literal];
  }
  // Only file: URIs name local files; anything else with a scheme is not a path we can judge.
  if (URI_SCHEME.test(raw) && !WINDOWS_DRIVE.test(raw)) return undefined;
  // server-filesystem refuses these on POSIX; treat them as unresolvable rather than relative.
  if (process.platform !== 'win32' && WINDOWS_DRIVE.test(raw)) return undefined;
  let expanded = raw;
  if (raw === '~' || raw.startsWith('~/')) {
    const home = 'home' in options ? options.home : os.homedir();
    if (home === undefined) return BASE_UNKNOWN;
    expanded = path.join(home, raw.slice(1));
  }
  if (path.isAbsolute(expanded)) return [path.resolve(expanded)];
  return relativeTo(expanded, options);
}

function relativeTo(relative: string, options: ResolveOptions): string[] | typeof BASE_UNKNOWN {
  const bases = options.bases;
  if (bases === undefined || bases.length === 0) return BASE_UNKNOWN;
  return bases.map((base) => path.resolve(base, relative));
}

/** The most specific root containing `resolved`. */
export function containingRoot(resolved: string, roots: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    const inside =
      resolved === root || resolved.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
    if (inside && (best === undefined || root.length > best.length)) best = root;
  }
  return best;
}
