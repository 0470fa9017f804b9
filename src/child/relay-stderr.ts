import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Passes the server's stderr through to ours line by line, through `scrub`, so a server that
 * prints a credential (its environment, a config dump) cannot leak it into client logs.
 */
export function relayStderr(
  source: Readable,
  destination: Writable,
  scrub: (line: string) => string,
): void {
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => {
    destination.write(`${scrub(line)}\n`);
  });
}
