import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PolicyConfig } from '../../config/config.js';
import type { Decision, MaskRule, PolicyEngine, PolicyRevision } from '../../core/decision.js';
import { loadEngine } from '../../policy/load-engine.js';
import { readTarGz } from '../../policy/read-tar.js';
import type { PolicyInput } from '../../core/policy-input.js';
import type { BundleConfig, KeyConfig } from '../config/fleet-config.js';
import { verifyBundleSignatures } from './verify-signatures.js';

export interface BundleSource {
  readonly bundle: BundleConfig;
  readonly keys: Readonly<Record<string, KeyConfig>>;
  /** `--data` files and `--entrypoint`, as for a local `--policy`. */
  readonly dataFiles: readonly string[];
  readonly entrypoint: string;
  /** Where the bundle came from, for the revision (`source`) in logs and audit records. */
  readonly url: string;
}

/**
 * Turns downloaded (or persisted) bundle bytes into a ready engine, or throws saying why not:
 * a corrupt archive, a missing or bad signature when `signing` is configured, a policy that
 * does not compile, data that breaks the bundle's schema, a probe without a decision. Nothing
 * is activated here; the caller swaps the engine in.
 */
export async function loadBundleEngine(
  bytes: Uint8Array,
  source: BundleSource,
): Promise<PolicyEngine> {
  const signing = source.bundle.signing;
  if (signing !== undefined) {
    let files: Map<string, Buffer>;
    try {
      files = readTarGz(bytes);
    } catch (thrown) {
      throw new Error(
        `not a valid gzipped tar archive (${thrown instanceof Error ? thrown.message : String(thrown)})`,
        { cause: thrown },
      );
    }
    await verifyBundleSignatures(files, signing, source.keys);
  }
  // loadEngine reads a file: the same checks as `--policy bundle.tar.gz`, nothing duplicated.
  const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-bundle-'));
  try {
    const path = join(dir, 'bundle.tar.gz');
    await writeFile(path, bytes, { mode: 0o600 });
    const config: PolicyConfig = {
      policy: { kind: 'bundle', path },
      dataFiles: source.dataFiles,
      entrypoint: source.entrypoint,
      watch: false,
    };
    const engine = await loadEngine(config);
    return withSource(engine, source.url);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The engine with its revision naming the bundle URL instead of the temporary file. */
function withSource(engine: PolicyEngine, source: string): PolicyEngine {
  const revision: PolicyRevision = { ...engine.revision, source };
  return {
    revision,
    evaluate: (input: PolicyInput): Decision => engine.evaluate(input),
    maskRules: (input: PolicyInput): readonly MaskRule[] => engine.maskRules(input),
    shouldDrop: (input: PolicyInput): boolean => engine.shouldDrop(input),
    close: () => {
      engine.close();
    },
  };
}
