import type { PolicyConfig, ShimConfig } from './config.js';
import { validateEnvironmentOptions } from './options/environment-options.js';
import {
  validatePathBases,
  validatePathPointers,
  validateRoots,
} from './options/file-root-options.js';
import { validatePrincipal, validateServerId } from './options/identity-options.js';
import { validateFleetOptions } from './options/fleet-options.js';
import { validateLoggingOptions } from './options/logging-options.js';
import { validatePinsOption } from './options/pins-options.js';
import { validatePolicyOptions } from './options/policy-options.js';
import { validateRuntimeOptions } from './options/runtime-options.js';
import { validateStateDir } from './options/state-dir-option.js';
import type { OptionContext } from './options/value-checks.js';
import type { RawOptions } from './read-option-tokens.js';

export type { OptionContext } from './options/value-checks.js';

/**
 * Turns raw option values (argv merged with env) and the child command line into the frozen
 * configuration. Throws `UsageError` on the first bad value.
 */
export function validateShimOptions(
  options: RawOptions,
  commandLine: readonly [string, ...string[]],
  context: OptionContext,
): ShimConfig {
  const [command, ...args] = commandLine;
  const serverId = validateServerId(options, command, args);
  const config: ShimConfig = {
    ...validatePolicyOptions(options, context),
    command,
    args,
    ...validateEnvironmentOptions(options, context),
    principal: validatePrincipal(options, context),
    serverId,
    ...validateLoggingOptions(options, context),
    ...validateRuntimeOptions(options),
    roots: validateRoots(options, context),
    pathPointers: validatePathPointers(options),
    pathBases: validatePathBases(options, context),
    ...validateFleetOptions(options, context),
    pinsFile: validatePinsOption(options, context, serverId),
    stateDir: validateStateDir(options, context),
  };
  return deepFreeze(config);
}

/** Policy options alone, for `eval` and `audit replay` (never watched: they run once). */
export function validatePolicyOnlyOptions(
  options: RawOptions,
  context: OptionContext,
): PolicyConfig {
  return deepFreeze({ ...validatePolicyOptions(options, context), watch: false });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
