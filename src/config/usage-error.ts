/** Exit code for a bad option, value or command shape. */
export const USAGE_EXIT_CODE = 2;

/**
 * sysexits' EX_CONFIG: a policy, data, rules, log or audit file that cannot be loaded or opened,
 * for the shim and for every subcommand that loads a policy.
 */
export const CONFIG_EXIT_CODE = 78;

/**
 * A bad command line or environment setting. The message is one line naming the option (or
 * variable), the value and the fix; the CLI prints it on stderr and exits USAGE_EXIT_CODE.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = USAGE_EXIT_CODE;
}
