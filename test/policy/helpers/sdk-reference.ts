import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRego } from '../../../src/policy/compile-rego.js';
import { HOST_BUILTINS } from '../../../src/policy/host-builtins.js';
import { EMBEDDED_POLICY_URL } from '../../../src/policy/load-policy.js';
import {
  PolicyInstance,
  WASM_MEMORY_PAGES,
  type CompiledPolicy,
} from '../../../src/policy/policy-instance.js';

/** The OPA Wasm SDK's own evaluation: the reference the ABI path must match. */
interface SdkPolicy {
  readonly entrypoints: Record<string, number>;
  readonly dataHeapPtr: number;
  readonly mem: { readonly buffer: ArrayBuffer };
  readonly wasmInstance: { readonly exports: Record<string, unknown> };
  evaluate(input: unknown, entrypoint: number): unknown;
  setData(data: unknown): void;
}

const sdk = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as {
  loadPolicySync(
    module: CompiledPolicy,
    memory: { initial: number; maximum: number },
    builtins: object,
  ): SdkPolicy;
};
const wasmApi = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledPolicy> } }
).WebAssembly;

export function compile(wasm: Uint8Array): Promise<CompiledPolicy> {
  return wasmApi.compile(wasm);
}

export function embeddedWasm(): Uint8Array {
  return readFileSync(EMBEDDED_POLICY_URL);
}

/** A one-file Rego policy compiled by the real `opa build` (opa must be on PATH). */
export async function regoWasm(rego: string, entrypoint: string): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-abi-'));
  const file = join(dir, 'policy.rego');
  writeFileSync(file, rego);
  return compileRego(file, entrypoint);
}

export function sdkPolicy(module: CompiledPolicy, data: unknown = {}): SdkPolicy {
  const policy = sdk.loadPolicySync(module, { ...WASM_MEMORY_PAGES }, HOST_BUILTINS);
  policy.setData(data);
  return policy;
}

export function abiPolicy(module: CompiledPolicy, data: unknown = {}): PolicyInstance {
  return new PolicyInstance(module, new TextEncoder().encode(JSON.stringify(data)).slice().buffer);
}

/** JSON with object members sorted: OPA's dump order and JavaScript's insertion order differ. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([left], [right]) => (left < right ? -1 : 1)))
      : item,
  );
}
