// Copied to dist/bin/ by scripts/bundle.mjs. Runs the bundled shim (shim.cjs) from V8's code
// cache (shim.v8-cache, written at build time) when Node accepts it: the shim then starts its
// server without first compiling a megabyte of JavaScript. A missing, stale (other Node
// version) or rejected cache only makes the start slower.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

export const BUNDLE_PATH = fileURLToPath(new URL('./shim.cjs', import.meta.url));
export const CODE_CACHE_PATH = fileURLToPath(new URL('./shim.v8-cache', import.meta.url));

/**
 * Compiles the bundle as CommonJS does, plus `importMetaUrl` (what the bundle's `import.meta.url`
 * became). The wrapper text must not change between the build and the run: V8 checks it.
 */
export function compileBundle({ useCache = true } = {}) {
  const source = readFileSync(BUNDLE_PATH, 'utf8').replace(/^#!/, '//');
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, importMetaUrl) {${source}\n})`,
    { filename: BUNDLE_PATH, cachedData: useCache ? readCodeCache() : undefined },
  );
  return {
    script,
    run() {
      const module = { exports: {} };
      script.runInThisContext()(
        module.exports,
        createRequire(BUNDLE_PATH),
        module,
        BUNDLE_PATH,
        dirname(BUNDLE_PATH),
        pathToFileURL(BUNDLE_PATH).href,
      );
    },
  };
}

function readCodeCache() {
  try {
    return readFileSync(CODE_CACHE_PATH);
  } catch {
    return undefined;
  }
}
