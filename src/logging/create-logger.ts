import { openSync, writeSync } from 'node:fs';
import type { Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import type { SecretSet } from '../secrets/secret-set.js';

/** Where the shim's log lines go: stderr or `--log-file`, never stdout (stdout carries the protocol). */
export interface LogDestination {
  write(line: string): void;
}

/**
 * Opens the destination (throws when `--log-file` cannot be opened). Every line is scrubbed of
 * secret values before it is written.
 */
export function openLogDestination(file: string | undefined, secrets: SecretSet): LogDestination {
  const fd = file === undefined ? 2 : openSync(file, 'a');
  return {
    write(line: string): void {
      // pino writes JSON lines: a secret in a logged value is found however it is escaped.
      writeSync(fd, secrets.size > 0 ? secrets.scrubJson(line) : line);
    },
  };
}

/**
 * The shim's diagnostic log, writing to an opened destination. pino is loaded on the first call:
 * the shim calls it once the server is starting, so that loading it does not delay the spawn.
 */
export async function createLogger(level: LogLevel, destination: LogDestination): Promise<Logger> {
  const { pino } = await import('pino');
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
