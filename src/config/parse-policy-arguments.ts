import type { PolicyConfig } from './config.js';
import { optionContext } from './option-context.js';
import { POLICY_FILE_OPTIONS, ROOT_OPTION, type OptionSpec } from './option-specs.js';
import { validateRoots } from './options/file-root-options.js';
import type { OptionContext } from './options/value-checks.js';
import { withEnvOptions, type Env } from './read-env-options.js';
import { readOptionTokens, type RawOptions } from './read-option-tokens.js';
import { validatePolicyOnlyOptions } from './validate-options.js';

export type PolicyArguments =
  /** `--help` (or `-h`) or `--version` was given; nothing was validated. */
  | { readonly special: 'help' | 'version' }
  | {
      readonly special: undefined;
      /** `--policy`, `--data`, `--entrypoint` (argv, else `MCP_OPA_SHIM_*`); never watched. */
      readonly policy: PolicyConfig;
      /** `--root` directories, absolute and realpath'd. */
      readonly roots: readonly string[];
      /** Arguments that are not options (e.g. audit log files), in order, and all after `--`. */
      readonly operands: readonly string[];
      /** Raw values of the caller's own options by long name, e.g. `json` → `[{ value: 'true' }]`. */
      readonly extra: RawOptions;
    };

/**
 * For subcommands that take the shim's policy options plus their own, such as
 * `audit replay [--policy …] [--data …] [--root …] <log...>`. Throws `UsageError`.
 */
export function parsePolicyArguments(
  argv: readonly string[],
  env: Env,
  command: { readonly usage: string; readonly extraOptions?: readonly OptionSpec[] },
  context: Partial<Omit<OptionContext, 'env'>> = {},
): PolicyArguments {
  const extraOptions = command.extraOptions ?? [];
  const specs = [...POLICY_FILE_OPTIONS, ROOT_OPTION, ...extraOptions];
  const tokens = readOptionTokens(argv, specs, { positionals: 'collect', usage: command.usage });
  if (tokens.special !== undefined) return { special: tokens.special };
  const resolvedContext = optionContext(env, context);
  const options = withEnvOptions(tokens.options, env, specs);
  const extraNames = new Set(extraOptions.map((spec) => spec.name));
  return {
    special: undefined,
    policy: validatePolicyOnlyOptions(options, resolvedContext),
    roots: validateRoots(options, resolvedContext),
    operands: tokens.rest,
    extra: new Map([...options].filter(([name]) => extraNames.has(name))),
  };
}
