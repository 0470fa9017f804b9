/**
 * A bad command line or environment setting. The message is one line naming the option (or
 * variable), the value and the fix; the CLI prints it on stderr and exits 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}
