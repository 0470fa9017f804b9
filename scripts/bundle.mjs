// `npm run build`, after tsc: bundles dist/cli/main.js into dist/bin/shim.cjs (what runs before
// a wrapped server is spawned) and dist/bin/shim-later.cjs (the rest), installs the bin
// (dist/bin/mcp-opa-shim.mjs) and writes each bundle's V8 code cache from one warm-up session.
// One file and a code cache start the shim several times faster than dist/ (issue 5's budget).
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const binDir = join(root, 'dist/bin');
const WARM_UP_TIMEOUT_MS = 60_000;

/**
 * The policy engine loads the OPA SDK with `createRequire(import.meta.url)(…)` (the SDK's ESM
 * entry lacks the sync loader), which esbuild cannot follow: a plain `require` lets it bundle
 * the SDK instead of resolving it from node_modules at every start.
 */
const SDK_REQUIRE = /createRequire\(import\.meta\.url\)\((['"]@open-policy-agent\/opa-wasm['"])\)/;
const bundleOpaSdk = {
  name: 'bundle-opa-sdk',
  setup(builder) {
    builder.onLoad({ filter: /[/\\]dist[/\\]policy[/\\][^/\\]+\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!SDK_REQUIRE.test(text)) return undefined;
      return {
        contents: text.replace(SDK_REQUIRE, 'require($1)'),
        loader: 'js',
        resolveDir: dirname(args.path),
      };
    });
  },
};

/**
 * What the first bundle imports dynamically (the relay, the policy loader, the audit log, pino,
 * every subcommand but `run`) goes to a second bundle, shim-later.cjs, loaded with its own code
 * cache when first needed: for a wrapped server, after the spawn (src/cli/run-shim.ts), while the
 * server boots. The first bundle then holds only what must run before the spawn (options, the
 * child's environment, execa), and that is all V8 reads and deserialises before it (issue 14).
 * `run-shim.js` is imported dynamically by main.ts but runs before the spawn, so it stays.
 */
const KEPT_DYNAMIC_IMPORTS = [join(root, 'dist/cli/run-shim.js')];
const LATER_BUNDLE = 'shim-later.cjs';

function deferDynamicImports(deferred) {
  return {
    name: 'defer-dynamic-imports',
    setup(builder) {
      builder.onResolve({ filter: /.*/ }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === 'resolving') return undefined;
        const resolved = await builder.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0 || KEPT_DYNAMIC_IMPORTS.includes(resolved.path))
          return undefined;
        if (!deferred.has(resolved.path)) deferred.set(resolved.path, `m${deferred.size}`);
        return { path: deferred.get(resolved.path), namespace: 'later' };
      });
      // `loadBundle` is the bin's loader (scripts/bundle-bin.mjs), a parameter of the wrapper.
      // The stand-in is CommonJS, so `import()` of it sees the module's named exports and, as
      // `default`, the stand-in itself: checkNoDefaultExports keeps that from hiding one.
      builder.onLoad({ filter: /.*/, namespace: 'later' }, (args) => ({
        contents: `module.exports = loadBundle(${JSON.stringify(LATER_BUNDLE)}).${args.path}();`,
        loader: 'js',
      }));
    },
  };
}

/**
 * Imported through a stand-in, an ES module's `default` export would read as its namespace
 * (a CommonJS module's `default` is its `module.exports`, as in Node, so those are fine).
 */
function checkNoDefaultExports(deferred, later) {
  const withDefault = [...deferred.keys()].filter(
    (path) =>
      later.metafile.inputs[relative(root, path)]?.format === 'esm' &&
      /\bexport\s+default\b|\bas\s+default\b/.test(readFileSync(path, 'utf8')),
  );
  if (withDefault.length > 0)
    throw new Error(
      `These modules are imported dynamically and have a default export, which the stand-ins in shim.cjs cannot pass on: ${withDefault.join(', ')}. Use named exports.`,
    );
}

const COMMON_OPTIONS = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  // CommonJS, because Node 20 can use a code cache only for a script (vm.Script), not a module.
  format: 'cjs',
  target: 'node20',
  // The bin calls this function with what CommonJS gives a module, plus `importMetaUrl`, the
  // bundle's own file URL, and `loadBundle`, which runs the other bundle once and returns its
  // exports. Modules resolve their assets from the URL (../policy/embedded/,
  // ../../package.json), so both bundles must stay in dist/bin/, one level below dist/.
  banner: {
    js: '(function (exports, require, module, __filename, __dirname, importMetaUrl, loadBundle) {',
  },
  footer: { js: '})' },
  define: { 'import.meta.url': 'importMetaUrl' },
  // Less to read at every start; names stay, so stack traces stay readable.
  minifyWhitespace: true,
  charset: 'ascii',
  // jsonc-parser's `main` is a UMD file whose `require('./impl/…')` esbuild cannot follow.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  metafile: true,
  write: false,
  logLevel: 'warning',
};

/** The bundle's text, checked: no MCP SDK, ASCII only, no hashbang. */
function bundleText(result, name) {
  const inputs = Object.keys(result.metafile.inputs);
  // The shim never needs the MCP SDK at run time; pulling it in would cost every start.
  const sdk = inputs.filter((input) => input.includes('@modelcontextprotocol/'));
  if (sdk.length > 0) throw new Error(`${name} must not contain the MCP SDK: ${sdk.join(', ')}`);
  // The entry's hashbang would only suggest the function expression can be run on its own.
  const text = result.outputFiles[0].text.replace(/^#!.*\n/, '');
  // The bin reads the bundle as latin1, which is right for ASCII only.
  if (Buffer.byteLength(text) !== text.length) throw new Error(`${name} is not ASCII.`);
  return text;
}

async function bundle() {
  mkdirSync(binDir, { recursive: true });
  const deferred = new Map();
  const first = await build({
    ...COMMON_OPTIONS,
    entryPoints: [join(root, 'dist/cli/main.js')],
    plugins: [deferDynamicImports(deferred), bundleOpaSdk],
  });
  // One loader per deferred module, named as the first bundle's stand-ins expect. `require`
  // runs a module only when its stand-in asks for it: a wrapped server's start runs the relay's
  // modules, not those of the other commands.
  const entry = [...deferred]
    .map(([path, key]) => `export const ${key} = () => require(${JSON.stringify(path)});`)
    .join('\n');
  const later = await build({
    ...COMMON_OPTIONS,
    stdin: { contents: entry, resolveDir: root, sourcefile: 'later-entry.js', loader: 'js' },
    plugins: [bundleOpaSdk],
  });
  checkNoDefaultExports(deferred, later);
  // Loading any of these before the spawn would put them back on every start's critical path.
  const early = Object.keys(first.metafile.inputs).filter((input) =>
    /[/\\](relay|policy|audit|pino|@open-policy-agent)[/\\]/.test(input),
  );
  if (early.length > 0)
    throw new Error(`shim.cjs must leave these to ${LATER_BUNDLE}: ${early.join(', ')}`);
  // Still works (loaded from node_modules at run time), but every start pays for it.
  if (
    !Object.keys(later.metafile.inputs).some((input) =>
      input.includes('@open-policy-agent/opa-wasm/'),
    )
  )
    console.warn('bundle: the OPA SDK is not in the bundle: check how src/policy loads it.');
  writeFileSync(join(binDir, 'shim.cjs'), bundleText(first, 'shim.cjs'));
  writeFileSync(join(binDir, LATER_BUNDLE), bundleText(later, LATER_BUNDLE));
  copyFileSync(join(root, 'scripts/bundle-bin.mjs'), join(binDir, 'mcp-opa-shim.mjs'));
  chmodSync(join(binDir, 'mcp-opa-shim.mjs'), 0o755);
}

/** A server that answers every request at once: enough for one session through the shim. */
const WARM_UP_SERVER = `
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  const result = m.method === 'initialize'
    ? { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'warm-up', version: '1.0.0' } }
    : m.method === 'tools/list'
      ? { tools: [{ name: 'echo', inputSchema: { type: 'object' }, annotations: { readOnlyHint: true } }] }
      : { content: [{ type: 'text', text: 'warm' }] };
  process.stdout.write(JSON.stringify({ jsonrpc: '2.0', id: m.id, result }) + '\\n');
});`;

const WARM_UP_REQUESTS = [
  {
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'warm-up', version: '1.0.0' },
    },
  },
  { method: 'tools/list', params: {} },
  { method: 'tools/call', params: { name: 'echo', arguments: { text: 'warm' } } },
];

/** One session through the bundled shim (with an audit log), which then writes the code cache. */
async function writeCodeCache() {
  const work = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-warm-up-'));
  const shimArgs = [
    '--audit-log',
    join(work, 'audit.jsonl'),
    // Tool pins are warmed up too, in the scratch directory rather than the user's state home.
    '--pins',
    join(work, 'pins.json'),
    '--',
    process.execPath,
    '-e',
    WARM_UP_SERVER,
  ];
  const child = spawn(
    process.execPath,
    [join(root, 'scripts/write-code-cache.mjs'), 'write', ...shimArgs],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const timer = setTimeout(() => child.kill('SIGKILL'), WARM_UP_TIMEOUT_MS);
  // Requests go one at a time, each after the previous answer, as a client would send them.
  let answered = 0;
  const sendNext = () => {
    const request = WARM_UP_REQUESTS[answered];
    if (request === undefined) child.stdin.end();
    else child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: answered + 1, ...request })}\n`);
  };
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (JSON.parse(line).id !== answered + 1) return;
    answered += 1;
    if (answered === 1)
      child.stdin.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    sendNext();
  });
  sendNext();
  const code = await exited;
  clearTimeout(timer);
  rmSync(work, { recursive: true, force: true });
  if (code !== 0 || answered < WARM_UP_REQUESTS.length)
    throw new Error(`The warm-up session through dist/bin failed (exit ${code}):\n${stderr}`);
}

await bundle();
await writeCodeCache();
const check = spawnSync(process.execPath, [join(root, 'scripts/write-code-cache.mjs'), 'check'], {
  encoding: 'utf8',
});
if (!check.stderr.includes('code cache: accepted'))
  throw new Error(`The bin does not use the code cache it has just written:\n${check.stderr}`);
