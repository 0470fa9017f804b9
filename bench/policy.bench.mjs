/**
 * Policy alone: in-process evaluation of the default (embedded Wasm) policy on
 * typical inputs, timed one call at a time; `opa bench` (Go, topdown) on the
 * same policy.rego and inputs for reference.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { POLICY_INPUTS } from './fixtures/policy-inputs.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatMicros } from './lib/format.mjs';
import { ROOT } from './lib/paths.mjs';
import { summarise } from './lib/stats.mjs';
import process from 'node:process';

export const name = 'policy';
export const title = 'Policy alone';

const ENGINE_MODULE = join(ROOT, 'dist', 'policy', 'create-policy-engine.js');
const OPA = join(homedir(), '.cache', 'mcp-opa-shim', 'opa-v1.22.2', 'opa');
const POLICY_REGO = join(ROOT, 'policy.rego');

async function loadEngine() {
  if (!existsSync(ENGINE_MODULE)) return undefined;
  const { createPolicyEngine } = await import(pathToFileURL(ENGINE_MODULE).href);
  return createPolicyEngine({
    policy: { kind: 'embedded' },
    dataFiles: [],
    entrypoint: 'mcp/decision',
    watch: false,
  });
}

function timeEvaluations(engine, input, iterations) {
  const samples = new Float64Array(iterations);
  for (let index = 0; index < iterations; index++) {
    const started = process.hrtime.bigint();
    const decision = engine.evaluate(input);
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
    if (decision.allow !== true)
      throw new Error(
        `Expected the default policy to allow a typical input, got ${JSON.stringify(decision)}`,
      );
  }
  return summarise(samples);
}

/** `opa bench` median query-eval time in µs, or a reason it could not run. */
async function opaBench(input, tmpDir, label) {
  if (!existsSync(OPA)) return { error: `opa not found at ${OPA}` };
  const inputFile = join(tmpDir, `policy-input-${label.replace(/\W+/g, '-')}.json`);
  writeFileSync(inputFile, JSON.stringify(input));
  let stdout;
  try {
    ({ stdout } = await promisify(execFile)(
      OPA,
      [
        'bench',
        '--data',
        POLICY_REGO,
        '--input',
        inputFile,
        '--format',
        'json',
        'data.mcp.decision',
      ],
      {
        maxBuffer: 1 << 20,
      },
    ));
  } catch (error) {
    // opa reports errors as JSON on stdout; one failed reference run must not sink the others.
    const detail =
      /"message":\s*"([^"]*)"/.exec(error.stdout ?? '')?.[1] ?? error.message.split('\n')[0];
    return { error: `opa bench failed: ${detail}` };
  }
  const result = JSON.parse(stdout);
  return {
    median: result.Extra['histogram_timer_rego_query_eval_ns_median'] / 1000,
    perOp: result.T / result.N / 1000,
  };
}

export async function run({ quick, tmpDir }) {
  const iterations = quick ? 500 : 50_000;
  const inputs = quick ? POLICY_INPUTS.slice(0, 1) : POLICY_INPUTS;
  const engine = await loadEngine();
  const rows = [];
  const p50s = [];
  try {
    for (const { label, input } of inputs) {
      let wasm;
      if (engine !== undefined) {
        timeEvaluations(engine, input, Math.ceil(iterations / 10)); // warm-up: JIT and Wasm tiering
        wasm = timeEvaluations(engine, input, iterations);
        p50s.push(wasm.p50);
      }
      const opa = await opaBench(input, tmpDir, label);
      rows.push([
        label,
        `${JSON.stringify(input).length} B`,
        formatMicros(wasm?.p50),
        formatMicros(wasm?.p95),
        formatMicros(wasm?.p99),
        formatMicros(wasm?.mean),
        opa.error ?? formatMicros(opa.median),
        opa.error ?? formatMicros(opa.perOp),
      ]);
    }
  } finally {
    engine?.close();
  }
  return {
    name,
    title,
    about:
      'In-process `PolicyEngine.evaluate` of the embedded default policy (`policy.rego` compiled to Wasm, no `--data`) through `dist/policy/create-policy-engine.js`, one timed call at a time after warm-up; every decision is checked to be an allow. For reference, `opa bench --data policy.rego --input <input> data.mcp.decision` evaluates the same Rego in OPA’s Go interpreter. There is no relay here, so there are no ratios to the baselines.',
    command: `node bench/run.mjs ${name}`,
    settings: `${iterations} evaluations per input; ${inputs.length} typical input(s) from bench/fixtures/policy-inputs.mjs.`,
    tables: [
      {
        columns: [
          'input',
          'input JSON',
          'Wasm p50',
          'Wasm p95',
          'Wasm p99',
          'Wasm mean',
          'opa bench median',
          'opa bench time/op',
        ],
        rows,
      },
    ],
    budgets: [
      checkBudget(
        'policy-p50',
        p50s.length > 0 ? Math.max(...p50s) : undefined,
        'the slowest typical input',
      ),
    ],
    notes:
      engine === undefined
        ? ['dist/policy/create-policy-engine.js was not built: only `opa bench` ran.']
        : [],
  };
}
