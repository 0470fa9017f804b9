import type { DataDocument } from './merge-data.js';
import { PolicyLoadError } from './policy-load-error.js';
import type { WasmEngine } from './wasm-engine.js';

/** The default policy's data validation, compiled as an entrypoint of its own (scripts/build-policy.sh). */
export const DATA_ERRORS_ENTRYPOINT = 'mcp/data_errors';

/**
 * Where the shim tells the default policy its data was checked at load (policy.rego, "data
 * checked once at load"): the policy then skips its walk of the whole data document on every
 * message. The data schema closes the top level, so no `--data` file can set it. The per-process
 * plan goes under the same key (process-plan.ts).
 */
export const DATA_CHECKED_KEY = 'mcp_shim';

/** `data` marked as checked; only for an engine that `checkDataOnce` checks before any use. */
export function markDataChecked(data: DataDocument): DataDocument {
  return { ...data, [DATA_CHECKED_KEY]: { data_checked: true } };
}

/**
 * Evaluates the default policy's `data_errors` once and throws PolicyLoadError naming each
 * error: the engine was given data marked as checked, so its decisions no longer look for them.
 */
export function checkDataOnce(engine: WasmEngine, what: string): void {
  const resultSet = engine.evaluateOnce(DATA_ERRORS_ENTRYPOINT);
  if (resultSet === undefined)
    throw new PolicyLoadError(
      `The policy from ${engine.revision.source} has no \`${DATA_ERRORS_ENTRYPOINT}\` entrypoint, so its data cannot be checked at load: reinstall the package or run \`npm run build\`.`,
    );
  const errors = (resultSet as { result?: unknown }[])[0]?.result;
  if (!Array.isArray(errors))
    throw new PolicyLoadError(
      `Expected \`${DATA_ERRORS_ENTRYPOINT}\` of the policy from ${engine.revision.source} to give a set of texts, got ${JSON.stringify(resultSet)}.`,
    );
  if (errors.length > 0)
    throw new PolicyLoadError(
      `Invalid ${what}: ${errors.map(String).sort().join('; ')}. Fix the data (docs/policy-data.md).`,
    );
}
