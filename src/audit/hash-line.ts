import { createHash } from 'node:crypto';

/** sha256 (hex) of one audit line's exact UTF-8 bytes, without its trailing newline. */
export function hashLine(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}
