// Run by scripts/bundle.mjs. `node scripts/write-code-cache.mjs write <shim arguments>` runs
// the built bin (dist/bin/mcp-opa-shim.mjs) once and, when it exits, saves the V8 code cache of
// the bundle it compiled: the functions a session needs are in it then, not only the top level.
// `node scripts/write-code-cache.mjs check` runs `--version` and says on stderr whether V8 took
// the cache (`code cache: accepted`).
import { rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const bin = new URL('../dist/bin/mcp-opa-shim.mjs', import.meta.url);
const cache = new URL('../dist/bin/shim.v8-cache', import.meta.url);
const [mode, ...shimArgs] = process.argv.slice(2);

// The bin compiles the bundle with `new Script(…)`: keep hold of that script.
const scripts = [];
const { Script } = vm;
vm.Script = class extends Script {
  constructor(...args) {
    super(...args);
    scripts.push(this);
  }
};
syncBuiltinESMExports();

if (mode === 'write') {
  rmSync(cache, { force: true });
  process.once('exit', () => {
    writeFileSync(cache, scripts[0].createCachedData());
  });
} else if (mode === 'check') {
  shimArgs.splice(0, Infinity, '--version');
  process.once('exit', () => {
    const accepted = scripts[0]?.cachedDataRejected === false;
    process.stderr.write(`code cache: ${accepted ? 'accepted' : 'rejected or missing'}\n`);
  });
} else {
  throw new Error('Usage: node scripts/write-code-cache.mjs write <shim arguments> | check');
}
process.argv = [process.execPath, fileURLToPath(bin), ...shimArgs];
await import(bin.href);
