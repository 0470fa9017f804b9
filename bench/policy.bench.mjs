/**
 * Policy alone: in-process evaluation of the default (embedded Wasm) policy on
 * typical inputs, built by the shim's own input builder as the relay builds
 * them and timed one call at a time; `opa bench` (Go, topdown) on the same
 * policy.rego and inputs for reference.
 */
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { policyInputStreams } from './fixtures/policy-inputs.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatMicros } from './lib/format.mjs';
import { ROOT } from './lib/paths.mjs';
import { summarise } from './lib/stats.mjs';
import process from 'node:process';

export const name = 'policy';
export const title = 'Policy alone';

const DIST = join(ROOT, 'dist');
const ENGINE_MODULE = join(DIST, 'policy', 'create-policy-engine.js');
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

/** The input builder from dist/, as the shim runs it. */
async function loadBuilder() {
  const load = (path) => import(pathToFileURL(join(DIST, ...path.split('/'))).href);
  const [build, context, session] = await Promise.all([
    load('input/build-input.js'),
    load('input/input-context.js'),
    load('session/session.js'),
  ]);
  return { ...build, ...context, ...session };
}

/**
 * Builds each input untimed, then times `evaluate` alone; a judged input is recorded in the
 * session before the next one is built, so counts and recent operations move as in the shim.
 */
function timeEvaluations(engine, stream, iterations, first) {
  const samples = new Float64Array(iterations);
  const builds = new Float64Array(iterations);
  for (let index = 0; index < iterations; index++) {
    const building = process.hrtime.bigint();
    const input = stream.next(first + index);
    const started = process.hrtime.bigint();
    builds[index] = Number(started - building) / 1000;
    const decision = engine.evaluate(input);
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
    if (decision.allow !== true)
      throw new Error(
        `Expected the default policy to allow a typical input, got ${JSON.stringify(decision)}`,
      );
    if (stream.judged)
      stream.session.recordOperation(input.operation.type, input.operation.name, decision.allow);
  }
  return { ...summarise(samples), buildP50: summarise(builds).p50 };
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
  const engine = await loadEngine();
  const streams = engine === undefined ? [] : policyInputStreams(await loadBuilder());
  const selected = quick ? streams.slice(0, 1) : streams;
  const rows = [];
  const p50s = [];
  try {
    for (const stream of selected) {
      const sample = stream.next(0);
      timeEvaluations(engine, stream, Math.ceil(iterations / 10), 1); // warm-up: JIT and Wasm tiering
      const wasm = timeEvaluations(engine, stream, iterations, iterations);
      p50s.push(wasm.p50);
      const opa = await opaBench(sample, tmpDir, stream.label);
      rows.push([
        stream.label,
        `${JSON.stringify(sample).length} B`,
        formatMicros(wasm.p50),
        formatMicros(wasm.p95),
        formatMicros(wasm.p99),
        formatMicros(wasm.mean),
        formatMicros(wasm.buildP50),
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
      'In-process `PolicyEngine.evaluate` of the embedded default policy (`policy.rego` compiled to Wasm, no `--data`) through `dist/policy/create-policy-engine.js`, one timed call at a time after warm-up; every decision is checked to be an allow. ' +
      'Each input is built (untimed) by the shim’s own input builder from `dist/` for a real session, as the relay builds it: a fresh message, operation, arguments and session snapshot every time, and every judged message is recorded in the session before the next input is built, so the operation counts change with every call. The builder’s own time per input (untimed in the Wasm columns) is shown as `input build p50`: it includes the freezing and reuse that make the engine’s caching possible. ' +
      'The engine passes the embedded policy only the input keys its Rego names (src/policy/embedded/input-keys.json: no `session`, `client`, `environment`, `transport` or `mode`; `input JSON` is the whole input the audit log records). Of those, it keeps the parts that do not depend on the message (principal, server, roots, approval) parsed in Wasm memory while the builder passes the same frozen objects, and every operation it has seen (by JSON text): in a run of calls to one tool (`tools/call`) the operation stays the same, in `tools/call, mixed tools` every call names another tool than the last (and the session’s recent-operations window changes with every call, which the default policy does not read). ' +
      'For reference, `opa bench --data policy.rego --input <input> data.mcp.decision` evaluates the same Rego on the first input of each row in OPA’s Go interpreter. There is no relay here, so there are no ratios to the baselines.',
    command: `node bench/run.mjs ${name}`,
    settings: `${iterations} evaluations per input; ${selected.length} typical input stream(s) from bench/fixtures/policy-inputs.mjs.`,
    tables: [
      {
        columns: [
          'input',
          'input JSON',
          'Wasm p50',
          'Wasm p95',
          'Wasm p99',
          'Wasm mean',
          'input build p50',
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
        ? ['dist/ was not built: run `npm run build` first; nothing was measured.']
        : [],
  };
}
