import type { PolicyConfig } from '../config/config.js';
import { checkDataOnce, markDataChecked } from './check-data-once.js';
import { loadData } from './load-data.js';
import { loadPolicySource } from './load-policy.js';
import type { LoadedPolicySource } from './policy-source.js';
import { mergeData } from './merge-data.js';
import { addProcessPlan, type PlanConstants } from './process-plan.js';
import type { PrintSink } from './policy-print.js';
import { checkProbe, PROBE_INPUT } from './probe-policy.js';
import { WasmEngine } from './wasm-engine.js';

/**
 * Loads `--policy` and `--data` once into a ready engine. Throws PolicyLoadError, also when the
 * data does not match the policy's data schema: a mistyped key must stop the load, not switch a
 * control off. With the run's principal and server (a ShimConfig has them), the default
 * policy's per-process plan is computed for them and passed in its data (process-plan.ts).
 */
export async function loadEngine(
  config: PolicyConfig & Partial<PlanConstants>,
  print?: PrintSink,
): Promise<WasmEngine> {
  const source = await loadPolicySource(config.policy, config.entrypoint);
  const check = await dataCheck(source, config.dataFiles.length > 0);
  const fileData = await loadData(config.dataFiles, check);
  // Bundle data first, so `--data` files can override it.
  const data = mergeData(source.bundleData ?? {}, fileData);
  if (source.bundleData !== undefined)
    check(data, `data of \`--policy\` \`${source.revision.source}\` merged with \`--data\``);
  // The embedded policy's data is checked once here, not on every message (check-data-once.ts).
  const checkOnce = config.policy.kind === 'embedded' && Object.keys(data).length > 0;
  const engineData = checkOnce ? markDataChecked(data) : data;
  let engine = await WasmEngine.create({
    wasm: source.wasm,
    data: engineData,
    entrypoint: config.entrypoint,
    revision: source.revision,
    inputKeys: source.inputKeys,
    ...(print === undefined ? {} : { print }),
  });
  // Before any server starts (and before a reload swaps it in): a policy that cannot answer
  // with a decision would otherwise start and deny everything.
  if (checkOnce) {
    const what = `data of the default policy from ${dataWhat(config)}`;
    checkDataOnce(engine, what);
    const { principal, serverId } = config;
    if (principal !== undefined && serverId !== undefined)
      engine = addProcessPlan(engine, engineData, { principal, serverId }, what);
  }
  checkProbe(engine.probe(PROBE_INPUT), config.entrypoint, source.revision.source);
  return engine;
}

type DataCheck = (data: unknown, what: string) => void;

/** Ajv is loaded only when there is a schema to check against. */
async function dataCheck(source: LoadedPolicySource, dataFiles: boolean): Promise<DataCheck> {
  const schema = source.dataSchema;
  if (schema === undefined || (!dataFiles && source.bundleData === undefined))
    return () => undefined;
  const { DEFAULT_DATA_SCHEMA, validateData } = await import('./validate-data.js');
  const name =
    schema === DEFAULT_DATA_SCHEMA
      ? 'of the default policy (docs/policy-data.md)'
      : `${source.dataSchemaAt ?? 'shipped'} of \`--policy\` ${source.revision.source}`;
  return (data, what) => {
    validateData(data, what, schema, name);
  };
}

function dataWhat(config: PolicyConfig): string {
  return config.dataFiles.map((file) => `\`--data\` \`${file}\``).join(', ');
}
