// Copies non-TypeScript assets next to the compiled JavaScript after `tsc` (see `npm run build`).
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const assets = [
  ['src/policy/embedded/policy.wasm', 'dist/policy/embedded/policy.wasm'],
  ['src/policy/embedded/input-keys.json', 'dist/policy/embedded/input-keys.json'],
  // `--rules` compiles the user's Rego with the default policy's (src/policy/load-rules.ts).
  ['src/policy/system-log.rego', 'dist/policy/system-log.rego'],
];

for (const [from, to] of assets) {
  mkdirSync(dirname(join(root, to)), { recursive: true });
  copyFileSync(join(root, from), join(root, to));
}
