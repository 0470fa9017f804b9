/**
 * A command line that file modes apply to. Root ignores them (CAP_DAC_OVERRIDE), so a test of a
 * read-only directory would pass for the wrong reason; as root, the command runs under `setpriv`
 * without the two capabilities that bypass them. It stays root otherwise, so it still reaches a
 * checkout in a directory only root may enter (a `mktemp -d` clone), unlike `nobody` would.
 */
export function withoutRootPowers(
  command: string,
  args: readonly string[],
): [string, readonly string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--bounding-set=-dac_override,-dac_read_search', '--', command, ...args]];
}
