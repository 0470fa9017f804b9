/** A server command that could not be started. The CLI prints `message` and exits with `exitCode`. */
export class ServerSpawnError extends Error {
  override readonly name = 'ServerSpawnError';
  /** The system error code (`ENOENT`, `EACCES`, ...), when there is one. */
  readonly code: string | undefined;
  /** The shell's convention: 127 not found, 126 not executable, 1 otherwise. */
  readonly exitCode: number;

  constructor(
    readonly command: string,
    cause: unknown,
  ) {
    const code = errorCode(cause);
    super(describe(command, code, cause), { cause });
    this.code = code;
    this.exitCode = code === 'ENOENT' ? 127 : code === 'EACCES' ? 126 : 1;
  }
}

function describe(command: string, code: string | undefined, cause: unknown): string {
  const fix = 'Check the command after `--`.';
  switch (code) {
    case 'ENOENT':
      return command.includes('/') || command.includes('\\')
        ? `Could not start \`${command}\`: no such file. ${fix}`
        : `Could not start \`${command}\`: not found on PATH. ${fix}`;
    case 'EACCES':
      return `Could not start \`${command}\`: permission denied (is it an executable file?). ${fix}`;
    default:
      return `Could not start \`${command}\`: ${cause instanceof Error ? cause.message : String(cause)}. ${fix}`;
  }
}

function errorCode(cause: unknown): string | undefined {
  if (typeof cause !== 'object' || cause === null || !('code' in cause)) return undefined;
  return typeof cause.code === 'string' ? cause.code : undefined;
}
