import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { PolicySource } from '../config/config.js';
import type { PolicyRevision } from './decision.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';

/** The compiled policy, bundle data (if any), and where it came from. */
export interface LoadedPolicySource {
  readonly wasm: Uint8Array;
  readonly bundleData?: Readonly<Record<string, unknown>>;
  readonly revision: PolicyRevision;
}

/**
 * src/policy/embedded in development, dist/policy/embedded when built. Spelt from the parent
 * directory so that the bundled bin (dist/bin/, one level below dist/ too) finds the same file.
 */
export const EMBEDDED_POLICY_URL = new URL('../policy/embedded/policy.wasm', import.meta.url);

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

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
      let wasm: Buffer;
      try {
        wasm = await readFile(path);
      } catch (thrown) {
        throw new PolicyLoadError(
          `The embedded policy is missing at ${path} (${thrownText(thrown)}): reinstall the package or run \`npm run build\`.`,
        );
      }
      return { wasm, revision: { sha256: sha256Hex(wasm), source: 'embedded' } };
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
        revision: {
          sha256: sha256Hex(file),
          source: source.path,
          ...(bundle.revision === undefined ? {} : { bundleRevision: bundle.revision }),
        },
      };
    }
    case 'rego': {
      const rego = await readPolicyFile(source.path, 'Rego file');
      const { compileRego } = await import('./compile-rego.js');
      const wasm = await compileRego(source.path, entrypoint);
      return { wasm, revision: { sha256: sha256Hex(rego), source: source.path } };
    }
  }
}
