import { readFileSync } from 'node:fs';
import dotenv from 'dotenv';
import { showValue } from './show-value.js';
import { UsageError } from './usage-error.js';

/**
 * Reads dotenv files into one record, later files overriding earlier ones. Uses `dotenv.parse`
 * on the file contents: `dotenv.config` would touch `process.env` and, unless told to be quiet,
 * print to stdout, which carries the MCP protocol.
 */
export function loadEnvFiles(paths: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UsageError(
        `Expected \`--env-file\` to be a readable dotenv file, got \`${showValue(path)}\` (${code}); check the path and its permissions.`,
      );
    }
    for (const [name, value] of Object.entries(dotenv.parse(text))) {
      // defineProperty keeps a hostile `__proto__=` line as plain data.
      Object.defineProperty(values, name, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return values;
}
