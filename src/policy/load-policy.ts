import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from '../config/config.js';
import defaultDataSchema from './data.schema.json' with { type: 'json' };
import { PolicyLoadError, thrownText } from './policy-load-error.js';
import { sha256Hex, type LoadedPolicySource } from './policy-source.js';
import { parseInputKeys, type InputKeys } from './project-input.js';

/**
 * src/policy/embedded in development, dist/policy/embedded when built. Spelt from the parent
 * directory so that the bundled bin (dist/bin/, one level below dist/ too) finds the same file.
 */
export const EMBEDDED_POLICY_URL = new URL('../policy/embedded/policy.wasm', import.meta.url);
/** Written with it by scripts/build-policy.sh; checked against policy.rego by CI. */
export const EMBEDDED_INPUT_KEYS_URL = new URL(
  '../policy/embedded/input-keys.json',
  import.meta.url,
);

async function readPolicyFile(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (thrown) {
    throw new PolicyLoadError(
      `Cannot read \`--policy\` ${what} \`${path}\`: ${thrownText(thrown)}. Check the path.`,
    );
  }
}

export async function loadPolicySource(
  source: PolicySource,
  entrypoint: string,
): Promise<LoadedPolicySource> {
  switch (source.kind) {
    case 'embedded': {
      const path = fileURLToPath(EMBEDDED_POLICY_URL);
      const keysPath = fileURLToPath(EMBEDDED_INPUT_KEYS_URL);
      let wasm: Buffer;
      let inputKeys: InputKeys;
      try {
        [wasm, inputKeys] = await Promise.all([
          readFile(path),
          readFile(keysPath, 'utf8').then(parseInputKeys),
        ]);
      } catch (thrown) {
        throw new PolicyLoadError(
          `The embedded policy is missing or damaged at ${path} or ${keysPath} (${thrownText(thrown)}): reinstall the package or run \`npm run build\`.`,
        );
      }
      return {
        wasm,
        dataSchema: defaultDataSchema,
        revision: { sha256: sha256Hex(wasm), source: 'embedded' },
        ...(inputKeys === undefined ? {} : { inputKeys }),
      };
    }
    case 'wasm': {
      const wasm = await readPolicyFile(source.path, 'Wasm file');
      return { wasm, revision: { sha256: sha256Hex(wasm), source: source.path } };
    }
    case 'bundle': {
      const file = await readPolicyFile(source.path, 'bundle');
      // Bundle and Rego support load only when used: most runs take the embedded policy.
      const { readBundle } = await import('./read-bundle.js');
      const bundle = readBundle(file, source.path);
      return {
        wasm: bundle.wasm,
        bundleData: bundle.data,
        ...(bundle.dataSchema === undefined
          ? {}
          : {
              dataSchema: bundle.dataSchema,
              dataSchemaAt: bundle.dataSchemaAt ?? '/data.schema.json',
            }),
        revision: {
          sha256: sha256Hex(file),
          source: source.path,
          ...(bundle.revision === undefined ? {} : { bundleRevision: bundle.revision }),
        },
      };
    }
    case 'rules': {
      // Loaded only when used, like bundles and Rego.
      const { loadRules } = await import('./load-rules.js');
      return { ...(await loadRules(source.paths, entrypoint)), dataSchema: defaultDataSchema };
    }
    case 'rego': {
      const rego = await readPolicyFile(source.path, 'Rego file');
      const { compileRego } = await import('./compile-rego.js');
      const wasm = await compileRego(source.path, entrypoint);
      return { wasm, revision: { sha256: sha256Hex(rego), source: source.path } };
    }
  }
}
