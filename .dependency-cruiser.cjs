// Import rules for src/, read from the layer table in docs/architecture.md so that the page and
// the check cannot disagree. `npm run deps:check` fails on an import the table does not allow,
// on a src/ folder it does not name, and on any import cycle.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ARCHITECTURE = join(__dirname, 'docs/architecture.md');

/** The `| folder | owns | may import |` rows of docs/architecture.md, top (lowest layer) first. */
function readLayers() {
  const text = readFileSync(ARCHITECTURE, 'utf8');
  const layers = [];
  for (const line of text.split('\n')) {
    const row = /^\|\s*`([a-z-]+)`\s*\|[^|]*\|([^|]*)\|\s*$/.exec(line);
    if (row === null) continue;
    const [, folder, mayImport] = row;
    const earlier = layers.map((layer) => layer.folder);
    const allowed = /every folder above/.test(mayImport)
      ? earlier
      : [...mayImport.matchAll(/`([a-z-]+)`/g)].map((match) => match[1]);
    for (const name of allowed) {
      // A folder may import only folders above its own row: the table itself has no cycle.
      if (!earlier.includes(name)) {
        throw new Error(
          `${ARCHITECTURE}: \`${folder}\` may import \`${name}\`, which is not a row above it`,
        );
      }
    }
    layers.push({ folder, allowed });
  }
  if (layers.length === 0) throw new Error(`${ARCHITECTURE}: no layer table found`);
  return layers;
}

const layers = readLayers();
const anyOf = (folders) => `^src/(${folders.join('|')})/`;
const known = anyOf(layers.map((layer) => layer.folder));

module.exports = {
  forbidden: [
    ...layers.map(({ folder, allowed }) => ({
      name: `layer-${folder}`,
      severity: 'error',
      comment:
        `src/${folder} may import only ${allowed.length === 0 ? 'nothing in src' : allowed.join(', ')} ` +
        '(docs/architecture.md)',
      from: { path: `^src/${folder}/` },
      to: { path: '^src/', pathNot: anyOf([folder, ...allowed]) },
    })),
    {
      name: 'core-types-only',
      severity: 'error',
      comment:
        'src/core loads nothing at run time: it imports types only (the SDK builds zod schemas when loaded)',
      from: { path: '^src/core/' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'folder-not-in-architecture',
      severity: 'error',
      comment: 'every src/ folder has a row in the layer table of docs/architecture.md',
      from: { path: '^src/', pathNot: known },
      to: {},
    },
    {
      name: 'import-of-folder-not-in-architecture',
      severity: 'error',
      comment: 'every src/ folder has a row in the layer table of docs/architecture.md',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: known },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'imports flow one way; a cycle hides which module owns what',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'an import the check cannot resolve is an import it cannot judge',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count: the shared shapes are mostly imported as types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // Resolve packages through their `exports` map, as Node does (`@modelcontextprotocol/sdk/types.js`).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
