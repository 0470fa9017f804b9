#!/usr/bin/env node
// The package's bin, copied to dist/bin/mcp-opa-shim.mjs by scripts/bundle.mjs. It runs the CLI
// bundled into two scripts (`node dist/cli/main.js` is the same CLI, unbundled): shim.cjs, what a
// wrapped server needs before it is spawned, and shim-later.cjs, everything else, which shim.cjs
// loads through `loadBundle` when first needed (for a wrapped server: after the spawn, while it
// boots). Each runs from the V8 code cache written at build time (<name>.v8-cache): the server
// then starts without compiling JavaScript first. A missing cache, or one V8 rejects (another
// Node version), only makes the start slower.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';

function readCodeCache(name) {
  try {
    return readFileSync(new URL(`./${name.replace(/\.cjs$/, '.v8-cache')}`, import.meta.url));
  } catch {
    return undefined;
  }
}

const loaded = new Map();

/** Runs one bundle of dist/bin/ (once) and returns its exports. */
function loadBundle(name) {
  const known = loaded.get(name);
  if (known !== undefined) return known.exports;
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  // The bundle is ASCII (esbuild escapes the rest) and one function expression: read as latin1,
  // it becomes V8's source string without decoding or copying.
  const script = new Script(readFileSync(file, 'latin1'), {
    filename: file,
    cachedData: readCodeCache(name),
  });
  const module = { exports: {} };
  loaded.set(name, module);
  // The parameters CommonJS gives a module, plus the URL its `import.meta.url` became.
  script.runInThisContext()(
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
    pathToFileURL(file).href,
    loadBundle,
  );
  return module.exports;
}

loadBundle('shim.cjs');
