// `node scripts/write-code-cache.mjs <shim arguments>`: runs the bundled shim once, compiled
// from source, and saves V8's code cache when it exits: the functions a start needs are in it
// then, not only the top level. Run by scripts/bundle.mjs, which plays the client.
import { writeFileSync } from 'node:fs';
import { BUNDLE_PATH, CODE_CACHE_PATH, compileBundle } from '../dist/bin/bundle-loader.mjs';

const bundle = compileBundle({ useCache: false });
process.argv = [process.execPath, BUNDLE_PATH, ...process.argv.slice(2)];
process.once('exit', () => {
  writeFileSync(CODE_CACHE_PATH, bundle.script.createCachedData());
});
bundle.run();
