/**
 * Direct calls into an OPA Wasm policy's ABI (https://www.openpolicyagent.org/docs/wasm):
 * parse JSON into the module's heap, assemble values, evaluate through an evaluation context,
 * dump the result. Used instead of the SDK's `evaluate`, which stringifies and re-parses the
 * whole input on every call.
 */

/** The exports used here (all in OPA Wasm ABI 1.2 and later). */
interface OpaExports {
  opa_malloc(size: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(ptr: number): void;
  opa_json_parse(addr: number, length: number): number;
  opa_json_dump(value: number): number;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, value: number): void;
  opa_eval_ctx_set_data(ctx: number, value: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  eval(ctx: number): number;
}

const REQUIRED: readonly (keyof OpaExports)[] = [
  'opa_malloc',
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_json_parse',
  'opa_json_dump',
  'opa_value_add_path',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'eval',
];

/** Wasm linear memory (the ES2022 lib does not declare WebAssembly). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}

/** Texts up to this many UTF-16 units get a worst-case (3 bytes per unit) buffer without measuring. */
const UNMEASURED_TEXT = 64 * 1024;

export class OpaAbi {
  private readonly encoder = new TextEncoder();
  private bytes: Buffer;
  /** The last result's JSON text (a copy) and its parsed, deeply frozen value. */
  private lastResult: { readonly text: Buffer; readonly value: unknown } | undefined;

  private constructor(
    private readonly exports: OpaExports,
    private readonly memory: WasmMemory,
  ) {
    this.bytes = Buffer.from(memory.buffer);
  }

  /** Undefined when the module lacks an export this needs (a policy built by an old OPA). */
  static of(exports: Record<string, unknown>, memory: WasmMemory): OpaAbi | undefined {
    if (!REQUIRED.every((name) => typeof exports[name] === 'function')) return undefined;
    return new OpaAbi(exports as unknown as OpaExports, memory);
  }

  get heapPtr(): number {
    return this.exports.opa_heap_ptr_get();
  }

  /** Later allocations start here; also forgets the allocator's free lists (all above or below it). */
  set heapPtr(ptr: number) {
    this.exports.opa_heap_ptr_set(ptr);
  }

  /** Copies `json` into the heap and parses it there; returns the value's address. */
  parseJson(json: string): number {
    const capacity = json.length <= UNMEASURED_TEXT ? json.length * 3 : Buffer.byteLength(json);
    // Allocated (not just written past the heap pointer) so that the module tracks memory growth.
    const at = this.exports.opa_malloc(capacity);
    const { written } = this.encoder.encodeInto(json, this.view().subarray(at, at + capacity));
    const value = this.exports.opa_json_parse(at, written);
    if (value === 0) throw new Error('opa_json_parse could not parse the input');
    return value;
  }

  /** Sets `path` (a parsed array of keys) of the object `base` to `value`, without copying it. */
  addPath(base: number, path: number, value: number): void {
    const code = this.exports.opa_value_add_path(base, path, value);
    if (code !== 0) throw new Error(`opa_value_add_path failed with code ${String(code)}`);
  }

  /** Evaluates one entrypoint; returns the parsed result set (`[{result}]`, `[]` when undefined). */
  evaluate(entrypoint: number, data: number, input: number): unknown {
    const { exports } = this;
    const ctx = exports.opa_eval_ctx_new();
    exports.opa_eval_ctx_set_input(ctx, input);
    exports.opa_eval_ctx_set_data(ctx, data);
    exports.opa_eval_ctx_set_entrypoint(ctx, entrypoint);
    // opa_eval (the SDK's path) aborts on a non-zero status too.
    if (exports.eval(ctx) !== 0) throw new Error('eval failed');
    const result = exports.opa_eval_ctx_get_result(ctx);
    if (result === 0) throw new Error('eval left no result');
    return this.readResult(exports.opa_json_dump(result));
  }

  /**
   * The JSON text at `addr`, parsed. Most messages get the same result as the one before (the
   * constant allow): when the bytes are equal, the last value is returned again, deeply frozen so
   * that no caller can change what the next one gets, without decoding or parsing it.
   */
  private readResult(addr: number): unknown {
    const bytes = this.view();
    const end = bytes.indexOf(0, addr);
    if (end < 0) throw new Error('opa_json_dump returned an unterminated string');
    const last = this.lastResult;
    if (
      last !== undefined &&
      last.text.length === end - addr &&
      bytes.compare(last.text, 0, last.text.length, addr, end) === 0
    )
      return last.value;
    const value = deepFreeze(JSON.parse(bytes.toString('utf8', addr, end)) as unknown);
    this.lastResult = { text: Buffer.from(bytes.subarray(addr, end)), value };
    return value;
  }

  /** A view of the whole memory; growing the memory replaces its buffer. */
  private view(): Buffer {
    if (this.bytes.buffer !== this.memory.buffer) this.bytes = Buffer.from(this.memory.buffer);
    return this.bytes;
  }
}

/** Freezes a freshly parsed JSON value in place, all the way down. */
function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}
