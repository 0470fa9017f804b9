#!/usr/bin/env node
// The package's bin, copied to dist/bin/mcp-opa-shim.mjs by scripts/bundle.mjs. It runs the whole
// CLI bundled into one script, dist/bin/shim.cjs (`node dist/cli/main.js` is the same CLI,
// unbundled), from the V8 code cache written at build time (shim.v8-cache): the wrapped server
// then starts without compiling a megabyte of JavaScript first. A missing cache, or one V8
// rejects (another Node version), only makes the start slower.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

const bundle = fileURLToPath(new URL('./shim.cjs', import.meta.url));

function readCodeCache() {
  try {
    return readFileSync(new URL('./shim.v8-cache', import.meta.url));
  } catch {
    return undefined;
  }
}

// The bundle is ASCII (esbuild escapes the rest) and one function expression: read as latin1,
// it becomes V8's source string without decoding or copying.
const script = new Script(readFileSync(bundle, 'latin1'), {
  filename: bundle,
  cachedData: readCodeCache(),
});
const module = { exports: {} };
// The parameters CommonJS gives a module, plus the URL its `import.meta.url` became.
script.runInThisContext()(
  module.exports,
  createRequire(bundle),
  module,
  bundle,
  dirname(bundle),
  pathToFileURL(bundle).href,
);
