import type { PolicyInput, ResolvedPath } from '../core/policy-input.js';
import { rootContaining } from './path-in-roots.js';

/**
 * The recorded input as the shim would have built it with other `--root`s: each resolved path
 * is judged again and `roots` replaced. Paths the shim could not resolve stay outside.
 */
export function withRoots(input: PolicyInput, roots: readonly string[]): PolicyInput {
  const paths = input.paths.map((p): ResolvedPath => {
    const root = p.resolved === undefined ? undefined : rootContaining(p.resolved, roots);
    const base = {
      pointer: p.pointer,
      raw: p.raw,
      ...(p.resolved === undefined ? {} : { resolved: p.resolved }),
    };
    return root === undefined
      ? { ...base, within_roots: false }
      : { ...base, within_roots: true, root };
  });
  return { ...input, paths, roots };
}
