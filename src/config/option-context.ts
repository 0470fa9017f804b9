import { homedir, userInfo } from 'node:os';
import type { OptionContext } from './options/value-checks.js';
import type { Env } from './read-env-options.js';

/** The real process's context, with overrides for tests. */
export function optionContext(
  env: Env,
  overrides: Partial<Omit<OptionContext, 'env'>> = {},
): OptionContext {
  return {
    cwd: overrides.cwd ?? process.cwd(),
    env,
    homeDir: overrides.homeDir ?? env.HOME ?? homedir(),
    osUsername: overrides.osUsername ?? (() => userInfo().username),
  };
}
