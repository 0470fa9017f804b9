import type { PolicyConfig } from '../config/config.js';
import { loadData } from './load-data.js';
import { loadPolicySource } from './load-policy.js';
import { mergeData } from './merge-data.js';
import { WasmEngine } from './wasm-engine.js';

/** Loads `--policy` and `--data` once into a ready engine. Throws PolicyLoadError. */
export async function loadEngine(config: PolicyConfig): Promise<WasmEngine> {
  const [source, fileData] = await Promise.all([
    loadPolicySource(config.policy, config.entrypoint),
    loadData(config.dataFiles),
  ]);
  // Bundle data first, so `--data` files can override it.
  const data = mergeData(source.bundleData ?? {}, fileData);
  return WasmEngine.create({
    wasm: source.wasm,
    data,
    entrypoint: config.entrypoint,
    revision: source.revision,
    inputKeys: source.inputKeys,
  });
}
