import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The package version, read from package.json (two levels up from both src/config and dist/config). */
export function shimVersion(): string {
  if (cached === undefined) {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed = JSON.parse(text) as { version?: unknown };
    cached = typeof parsed.version === 'string' ? parsed.version : '0.0.0';
  }
  return cached;
}
