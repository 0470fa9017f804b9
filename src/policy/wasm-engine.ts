import type { PolicyInput } from '../core/policy-input.js';
import {
  DROP_ENTRYPOINT,
  MASK_ENTRYPOINT,
  type Decision,
  type MaskRule,
  type PolicyEngine,
  type PolicyRevision,
} from '../core/decision.js';
import {
  ERASE_INPUT,
  failClosed,
  normaliseDecision,
  normaliseDrop,
  normaliseMaskRules,
} from './normalise-decision.js';
import { PolicyInstance, type CompiledPolicy } from './policy-instance.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';
import type { PrintSink } from './policy-print.js';
import type { ProbeOutcome } from './probe-policy.js';
import type { InputKeys } from './project-input.js';

export { WASM_MEMORY_PAGES } from './policy-instance.js';

// Node has the WebAssembly global at run time; the ES2022 lib does not declare it.
const wasmApi = (
  globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<CompiledPolicy> } }
).WebAssembly;

export interface WasmEngineOptions {
  readonly wasm: Uint8Array;
  readonly data: unknown;
  readonly entrypoint: string;
  readonly revision: PolicyRevision;
  /** The only input keys the policy reads, when known: evaluations pass it just those. */
  readonly inputKeys?: InputKeys;
  /** Where Rego `print()` lines go (the shim's debug log, eval's stderr); nowhere without it. */
  readonly print?: PrintSink;
}

/** One compiled policy plus its data. Evaluation is synchronous; instances are not re-entrant. */
export class WasmEngine implements PolicyEngine {
  readonly revision: PolicyRevision;
  readonly entrypoints: readonly string[];
  private policy: PolicyInstance;
  private stale = false;
  private readonly entrypointId: number;
  private readonly maskId: number | undefined;
  private readonly dropId: number | undefined;
  private readonly print: PrintSink | undefined;
  private probing = false;

  private constructor(
    private readonly module: CompiledPolicy,
    /** The data document as JSON text: the SDK copies it into each new instance's memory. */
    private readonly dataJson: ArrayBuffer,
    private readonly entrypoint: string,
    revision: PolicyRevision,
    logRulesInert: boolean,
    private readonly inputKeys: InputKeys,
    private readonly printSink: PrintSink | undefined,
  ) {
    const print = printSink;
    // The start-up probe's evaluation is the shim's, not a message's: its prints are not shown.
    this.print =
      print === undefined
        ? undefined
        : (line) => {
            if (!this.probing) print(line);
          };
    this.revision = revision;
    this.policy = this.instantiate();
    const ids = this.policy.entrypoints;
    this.entrypoints = Object.keys(ids).sort();
    const id = ids[entrypoint];
    if (id === undefined) {
      throw new PolicyLoadError(
        `Expected the policy from ${revision.source} to define entrypoint \`${entrypoint}\` (\`--entrypoint\`), ` +
          `it has: ${this.entrypoints.map((e) => `\`${e}\``).join(', ') || 'none'}. Build it with \`opa build -t wasm -e ${entrypoint}\`.`,
      );
    }
    this.entrypointId = id;
    // Two extra evaluations per audit record are skipped when they cannot change anything.
    this.maskId = logRulesInert ? undefined : ids[MASK_ENTRYPOINT];
    this.dropId = logRulesInert ? undefined : ids[DROP_ENTRYPOINT];
  }

  static async create(options: WasmEngineOptions): Promise<WasmEngine> {
    let module: CompiledPolicy;
    try {
      module = await wasmApi.compile(options.wasm);
    } catch (thrown) {
      throw new PolicyLoadError(
        `The policy from ${options.revision.source} is not a valid Wasm module: ${thrownText(thrown)}.`,
      );
    }
    try {
      return WasmEngine.instantiate(module, options);
    } catch (thrown) {
      if (thrown instanceof PolicyLoadError) throw thrown;
      throw new PolicyLoadError(
        `Cannot load the policy from ${options.revision.source} as an OPA Wasm policy: ${thrownText(thrown)}.`,
      );
    }
  }

  private static instantiate(
    module: CompiledPolicy,
    options: Omit<WasmEngineOptions, 'wasm'>,
  ): WasmEngine {
    const dataJson = new TextEncoder().encode(JSON.stringify(options.data ?? {})).slice().buffer;
    return new WasmEngine(
      module,
      dataJson,
      options.entrypoint,
      options.revision,
      embeddedLogRulesInert(options),
      options.inputKeys,
      options.print,
    );
  }

  /**
   * A new engine of the same compiled policy with `data` instead (no second compilation): how the
   * load-time plan is added (process-plan.ts). Throws PolicyLoadError when it cannot be instantiated.
   */
  withData(data: unknown): WasmEngine {
    const options: Omit<WasmEngineOptions, 'wasm'> = {
      data,
      entrypoint: this.entrypoint,
      revision: this.revision,
      inputKeys: this.inputKeys,
      ...(this.printSink === undefined ? {} : { print: this.printSink }),
    };
    try {
      return WasmEngine.instantiate(this.module, options);
    } catch (thrown) {
      if (thrown instanceof PolicyLoadError) throw thrown;
      throw new PolicyLoadError(
        `Cannot load the policy from ${this.revision.source} with its data: ${thrownText(thrown)}.`,
      );
    }
  }

  /** The entrypoint's raw result set for `input`, for the start-up probe (probe-policy.ts). */
  probe(input: PolicyInput): ProbeOutcome {
    this.probing = true;
    let resultSet: unknown;
    try {
      resultSet = this.run(this.entrypointId, input);
    } finally {
      this.probing = false;
    }
    return resultSet instanceof EvaluationFailure ? { failure: resultSet.text } : { resultSet };
  }

  evaluate(input: PolicyInput): Decision {
    const resultSet = this.run(this.entrypointId, input);
    if (resultSet instanceof EvaluationFailure)
      return failClosed(`policy evaluation failed: ${resultSet.text}`);
    return normaliseDecision(resultSet, this.entrypoint);
  }

  maskRules(input: PolicyInput): readonly MaskRule[] {
    if (this.maskId === undefined) return [];
    // As in OPA, the mask policy sees the decision-log event: the policy input is `input.input`.
    const resultSet = this.run(this.maskId, { input }, true);
    // A mask policy that fails must not let the input be logged unmasked.
    return resultSet instanceof EvaluationFailure ? ERASE_INPUT : normaliseMaskRules(resultSet);
  }

  shouldDrop(input: PolicyInput): boolean {
    if (this.dropId === undefined) return false;
    const resultSet = this.run(this.dropId, { input }, true);
    return resultSet instanceof EvaluationFailure ? false : normaliseDrop(resultSet);
  }

  /**
   * The result set of another entrypoint of the module on `input` (empty by default), or undefined
   * when the module has no such entrypoint (a load-time evaluation, not a message's). Throws
   * PolicyLoadError when the evaluation fails.
   */
  evaluateOnce(entrypoint: string, input: object = {}): unknown {
    const id = this.policy.entrypoints[entrypoint];
    if (id === undefined) return undefined;
    const resultSet = this.run(id, input, true);
    if (resultSet instanceof EvaluationFailure)
      throw new PolicyLoadError(
        `Cannot evaluate \`${entrypoint}\` of the policy from ${this.revision.source}: ${resultSet.text}.`,
      );
    return resultSet;
  }

  /** The current instance's Wasm memory in bytes (benchmarks and diagnostics). */
  wasmMemoryBytes(): number {
    return this.policy.memoryBytes();
  }

  close(): void {
    // Nothing to release explicitly: the instance and its memory go with the last reference.
  }

  /** `whole`: parse all of the input (the log entrypoints' `{input}` wrapper shares nothing cached). */
  private run(entrypointId: number, input: object, whole = false): unknown {
    try {
      if (this.stale) {
        this.policy = this.instantiate();
        this.stale = false;
      }
      return whole
        ? this.policy.evaluateWhole(entrypointId, input)
        : this.policy.evaluate(entrypointId, input);
    } catch (thrown) {
      // An abort can leave the instance mid-evaluation (and its memory grown to the maximum):
      // start the next evaluation on a fresh instance.
      this.stale = true;
      return new EvaluationFailure(thrownText(thrown));
    }
  }

  private instantiate(): PolicyInstance {
    return new PolicyInstance(this.module, this.dataJson, this.inputKeys, this.print);
  }
}

class EvaluationFailure {
  constructor(readonly text: string) {}
}

/** The embedded policy's `system.log` rules read only `data.log`: without it they mask and drop nothing. */
function embeddedLogRulesInert(options: Omit<WasmEngineOptions, 'wasm'>): boolean {
  const { data } = options;
  const hasLogData = typeof data === 'object' && data !== null && 'log' in data;
  return options.revision.source === 'embedded' && !hasLogData;
}
