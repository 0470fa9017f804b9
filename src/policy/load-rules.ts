import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { compileRegoFiles } from './compile-rego.js';
import type { LoadedPolicySource } from './policy-source.js';
import { sha256Hex } from './policy-source.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';

/**
 * The default policy's Rego, shipped beside the compiled module: policy.rego at the package root
 * (src/policy/ and dist/bin/ are both two levels below it) and system-log.rego in dist/policy/
 * (copied by scripts/copy-assets.mjs) or src/policy/.
 */
export const DEFAULT_REGO_URLS = [
  new URL('../../policy.rego', import.meta.url),
  new URL('../policy/system-log.rego', import.meta.url),
];

/** The one package `--rules` files may declare: the default policy reads its `denials`. */
export const RULES_PACKAGE = 'mcp.user';

/**
 * Compiles the default policy together with the user's `--rules` files. Each file must declare
 * `package mcp.user`: in any other package (above all `mcp`) a file could redefine or add to the
 * default's own rules, and so switch a built-in protection off.
 */
export async function loadRules(
  paths: readonly string[],
  entrypoint: string,
): Promise<LoadedPolicySource> {
  const texts = await Promise.all(paths.map((path) => readRules(path)));
  for (const [i, text] of texts.entries()) checkPackage(paths[i] ?? '', text);
  const defaults = DEFAULT_REGO_URLS.map((url) => fileURLToPath(url));
  const defaultTexts = await Promise.all(
    defaults.map((path) =>
      readFile(path, 'utf8').catch((thrown: unknown) => {
        throw new PolicyLoadError(
          `The default policy's Rego is missing at ${path} (${thrownText(thrown)}), and \`--rules\` compiles with it: reinstall the package or run \`npm run build\`.`,
        );
      }),
    ),
  );
  const what = `--rules ${paths.join(' --rules ')}`;
  const wasm = await compileRegoFiles([...paths, ...defaults], entrypoint, what);
  const digest = sha256Hex(new TextEncoder().encode([...defaultTexts, ...texts].join('\0')));
  return {
    wasm,
    revision: { sha256: digest, source: `embedded policy.rego + ${what}` },
  };
}

async function readRules(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (thrown) {
    throw new PolicyLoadError(
      `Cannot read \`--rules\` file \`${path}\`: ${thrownText(thrown)}. Check the path.`,
    );
  }
}

/** Throws unless `text` declares `package mcp.user` first (see loadRules). */
export function checkPackage(path: string, text: string): void {
  // The first statement that is not a comment or blank is the package clause.
  const code = text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && !line.startsWith('#'));
  const name = /^package\s+([A-Za-z0-9_."[\]]+)\s*$/.exec(code ?? '')?.[1];
  if (name !== RULES_PACKAGE) {
    throw new PolicyLoadError(
      `Expected \`--rules\` file \`${path}\` to declare \`package ${RULES_PACKAGE}\`, got ${name === undefined ? 'no package clause' : `\`package ${name}\``}. ` +
        `Rules add to the default policy only through \`denials contains {...} if ...\` in package ${RULES_PACKAGE} (docs/policy-data.md, "Your own rules").`,
    );
  }
}
