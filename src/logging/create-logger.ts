import { openSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Logger } from 'pino';
import type { LogFormat, LogLevel } from '../config/config.js';
import type { SecretSet } from '../secrets/secret-set.js';

/** Where the shim's log lines go: stderr or `--log-file`, never stdout (stdout carries the protocol). */
export interface LogDestination {
  write(line: string): void;
  /** Human-readable lines (pino-pretty) rather than JSON; colours only on a terminal. */
  readonly pretty: false | { readonly colorize: boolean };
  /** Formats each (already scrubbed) JSON line before it is written; set by createLogger. */
  format: (jsonLine: string) => string;
}

const STDERR_FD = 2;

/**
 * Opens the destination; throws one line naming `--log-file`, the path, the cause and the fix
 * when it cannot be opened. Every line is scrubbed of secret values before it is formatted and
 * written. `auto` is pretty on a terminal and JSON anywhere else (a file, a pipe, a client's log).
 */
export function openLogDestination(
  file: string | undefined,
  format: LogFormat,
  secrets: SecretSet,
  env: Readonly<Record<string, string | undefined>> = process.env,
): LogDestination {
  const fd = file === undefined ? STDERR_FD : openLogFile(file);
  const terminal = file === undefined && isatty(STDERR_FD);
  const pretty = format === 'pretty' || (format === 'auto' && terminal);
  let failed = false;
  const destination: LogDestination = {
    write(line: string): void {
      // pino writes JSON lines: a secret in a logged value is found however it is escaped.
      const scrubbed = secrets.size > 0 ? secrets.scrubJson(line) : line;
      try {
        writeSync(fd, destination.format(scrubbed));
      } catch (error) {
        // A full disk or a stderr nobody reads must not end the session: the diagnostic log
        // is not the audit trail. Said once, on stderr when the log is a file.
        if (failed) return;
        failed = true;
        if (file !== undefined) reportLogFailure(file, error);
      }
    },
    // https://no-color.org: any non-empty NO_COLOR turns colours off.
    pretty: pretty ? { colorize: terminal && (env['NO_COLOR'] ?? '') === '' } : false,
    format: (line) => line,
  };
  return destination;
}

function openLogFile(file: string): number {
  try {
    return openSync(file, 'a', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `Cannot open \`--log-file\` file \`${file}\` (${code}${describeCode(code)}). Choose a file in a directory you can write to, or leave \`--log-file\` out to log to stderr.`,
      { cause: error },
    );
  }
}

function reportLogFailure(file: string, error: unknown): void {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  try {
    writeSync(
      STDERR_FD,
      `mcp-opa-shim: cannot write to \`--log-file\` file \`${file}\` (${code}); its log lines are dropped from here on. The audit log is not affected.\n`,
    );
  } catch {
    // stderr is gone too: nothing left to tell.
  }
}

function describeCode(code: string): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return ': permission denied';
    case 'EROFS':
      return ': read-only file system';
    case 'EISDIR':
      return ': it is a directory';
    default:
      return '';
  }
}

/**
 * The shim's diagnostic log, writing to an opened destination. pino is loaded on the first call:
 * the shim calls it once the server is starting, so that loading it does not delay the spawn.
 * Pretty output is pino-pretty's own formatter, run in this thread and synchronously (a worker
 * transport would lose the last lines when the shim exits), after the secrets are scrubbed.
 */
export async function createLogger(level: LogLevel, destination: LogDestination): Promise<Logger> {
  const { pino } = await import('pino');
  if (destination.pretty !== false) {
    const { prettyFactory } = await import('pino-pretty');
    const prettify = prettyFactory({
      colorize: destination.pretty.colorize,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
    });
    destination.format = prettify;
  }
  return pino(
    {
      name: 'mcp-opa-shim',
      level,
      base: { pid: process.pid },
      redact: { paths: ['env', '*.env', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
