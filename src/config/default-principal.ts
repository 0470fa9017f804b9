import type { Env } from './read-env-options.js';

/**
 * The OS user the shim runs as; `USER`, then `LOGNAME` (then Windows' `USERNAME`) when the
 * account has no passwd entry, as in some containers. Undefined when none is known.
 */
export function defaultPrincipalId(osUsername: () => string, env: Env): string | undefined {
  let name: string | undefined;
  try {
    name = osUsername();
  } catch {
    name = undefined;
  }
  const candidates = [name, env.USER, env.LOGNAME, env.USERNAME];
  return candidates.find((candidate) => candidate !== undefined && candidate.trim() !== '');
}
