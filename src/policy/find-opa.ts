import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The `opa` executable on PATH, or undefined. */
export function findOpaOnPath(pathVariable = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? ['opa.exe', 'opa'] : ['opa'];
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return undefined;
}
