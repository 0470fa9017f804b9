import { createRequire } from 'node:module';
import { HOST_BUILTINS } from './host-builtins.js';
import { InputRegion, isPlainObject } from './input-region.js';
import { printBuiltin, type PrintSink } from './policy-print.js';
import { projectInput, type InputKeys } from './project-input.js';
import { OpaAbi, type WasmMemory } from './wasm-abi.js';

/** A compiled `WebAssembly.Module` (opaque here). */
export type CompiledPolicy = object;

/** The part of the OPA Wasm SDK's LoadedPolicy used here (its own typings need the DOM lib). */
interface LoadedPolicy {
  readonly entrypoints: Record<string, number>;
  readonly wasmInstance: { readonly exports: Record<string, unknown> };
  readonly mem: WasmMemory;
  readonly dataAddr: number;
  readonly dataHeapPtr: number;
  evaluate(input: unknown, entrypoint: number): unknown;
  setData(data: ArrayBuffer): void;
}

interface OpaWasmSdk {
  loadPolicySync(
    module: CompiledPolicy,
    memory: { initial: number; maximum: number },
    builtins: Readonly<Record<string, (...args: unknown[]) => unknown>>,
  ): LoadedPolicy;
}

// The ESM entry of the SDK exports only the async loader; the CommonJS one also has the sync one.
const opaWasm = createRequire(import.meta.url)('@open-policy-agent/opa-wasm') as OpaWasmSdk;

/**
 * Wasm linear memory, in 64 KiB pages. The maximum bounds what one evaluation (input, data and
 * intermediate values) may use: a runaway policy fails closed instead of exhausting the process.
 */
export const WASM_MEMORY_PAGES = { initial: 5, maximum: 1024 } as const;

/**
 * One instance of a compiled policy with its data loaded. The SDK instantiates it and loads the
 * data; evaluations go through the ABI directly, with the run-constant parts of the input kept
 * parsed in Wasm memory (InputRegion). Not re-entrant; after a throw, discard it.
 */
export class PolicyInstance {
  readonly entrypoints: Readonly<Record<string, number>>;
  private readonly policy: LoadedPolicy;
  private readonly abi: OpaAbi | undefined;
  private readonly region: InputRegion | undefined;

  /**
   * `inputKeys`: the only input keys the policy reads (see project-input.ts), when known.
   * `print`: where Rego `print()` lines go (nowhere without it).
   */
  constructor(
    module: CompiledPolicy,
    dataJson: ArrayBuffer,
    private readonly inputKeys?: InputKeys,
    print?: PrintSink,
  ) {
    this.policy = opaWasm.loadPolicySync(
      module,
      { ...WASM_MEMORY_PAGES },
      { ...HOST_BUILTINS, 'internal.print': printBuiltin(print) },
    );
    this.policy.setData(dataJson);
    this.entrypoints = this.policy.entrypoints;
    this.abi = OpaAbi.of(this.policy.wasmInstance.exports, this.policy.mem);
    this.region =
      this.abi === undefined ? undefined : new InputRegion(this.abi, this.policy.dataHeapPtr);
  }

  /** The result set for a policy input, its run-constant parts reused from Wasm memory. Throws on failure. */
  evaluate(entrypoint: number, input: object): unknown {
    return this.run(entrypoint, input, isPlainObject(input));
  }

  /** The result set for any input, parsed whole (the cached parts stay as they are). Throws on failure. */
  evaluateWhole(entrypoint: number, input: unknown): unknown {
    return this.run(entrypoint, input, false);
  }

  /** The size of the Wasm linear memory in bytes: what it grew to, not its maximum (diagnostics). */
  memoryBytes(): number {
    return this.policy.mem.buffer.byteLength;
  }

  /** The end of the Wasm heap after the last evaluation (for tests and diagnostics). */
  heapUsed(): number {
    return this.abi?.heapPtr ?? 0;
  }

  private run(entrypoint: number, input: unknown, cached: boolean): unknown {
    const { abi, region } = this;
    // A module without the exports this needs: the SDK's own path (it parses the whole input).
    if (abi === undefined || region === undefined) return this.policy.evaluate(input, entrypoint);
    const { inputKeys } = this;
    const addr = !cached
      ? region.loadWhole(input)
      : region.load(
          inputKeys === undefined ? (input as object) : projectInput(input as object, inputKeys),
        );
    return abi.evaluate(entrypoint, this.policy.dataAddr, addr);
  }
}
