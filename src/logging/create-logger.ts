import { openSync, writeSync } from 'node:fs';
import pino, { type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import type { SecretSet } from '../secrets/secret-set.js';

/**
 * The shim's diagnostic log: stderr or a file, never stdout (stdout carries the protocol).
 * Every line is scrubbed of secret values before it is written.
 */
export function createLogger(options: {
  level: LogLevel;
  file: string | undefined;
  secrets: SecretSet;
}): Logger {
  const fd = options.file === undefined ? 2 : openSync(options.file, 'a');
  const destination = {
    write(line: string): void {
      writeSync(fd, options.secrets.size > 0 ? options.secrets.scrub(line) : line);
    },
  };
  return pino(
    {
      name: 'mcp-opa-shim',
      level: options.level,
      base: { pid: process.pid },
      redact: { paths: ['env', '*.env', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
}
