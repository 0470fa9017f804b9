// Run by scripts/bundle.mjs. `node scripts/write-code-cache.mjs write <shim arguments>` runs
// the built bin (dist/bin/mcp-opa-shim.mjs) once and, when it exits, saves the V8 code cache of
// each bundle it compiled (shim.cjs → shim.v8-cache, shim-later.cjs → shim-later.v8-cache): the
// functions a session needs are in it then, not only the top level.
// `node scripts/write-code-cache.mjs check` runs `audit --help` (it loads both bundles) and says
// on stderr whether V8 took both caches (`code cache: accepted`).
import { rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bin = new URL('../dist/bin/mcp-opa-shim.mjs', import.meta.url);
const BUNDLES = ['shim.cjs', 'shim-later.cjs'];
const cacheOf = (name) =>
  new URL(`../dist/bin/${name.replace(/\.cjs$/, '.v8-cache')}`, import.meta.url);
const [mode, ...shimArgs] = process.argv.slice(2);

// The bin compiles each bundle with `new Script(…)`: keep hold of them, by bundle name.
const scripts = new Map();
const { Script } = vm;
vm.Script = class extends Script {
  constructor(source, options) {
    super(source, options);
    scripts.set(options.filename.replace(/^.*[/\\]/, ''), this);
  }
};
syncBuiltinESMExports();

if (mode === 'write') {
  for (const name of BUNDLES) rmSync(cacheOf(name), { force: true });
  process.once('exit', () => {
    for (const name of BUNDLES) {
      const script = scripts.get(name);
      if (script === undefined) throw new Error(`The warm-up session never loaded ${name}.`);
      writeFileSync(cacheOf(name), script.createCachedData());
    }
  });
} else if (mode === 'check') {
  shimArgs.splice(0, Infinity, 'audit', '--help');
  process.once('exit', () => {
    const rejected = BUNDLES.filter((name) => scripts.get(name)?.cachedDataRejected !== false);
    process.stderr.write(
      `code cache: ${rejected.length === 0 ? 'accepted' : `rejected or missing for ${rejected.join(', ')}`}\n`,
    );
  });
} else {
  throw new Error('Usage: node scripts/write-code-cache.mjs write <shim arguments> | check');
}
process.argv = [process.execPath, fileURLToPath(bin), ...shimArgs];
await import(bin.href);
