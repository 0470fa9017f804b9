import { isDeepStrictEqual } from 'node:util';
import type { Principal } from '../config/config.js';
import { DATA_CHECKED_KEY } from './check-data-once.js';
import type { DataDocument } from './merge-data.js';
import { PolicyLoadError } from './policy-load-error.js';
import type { WasmEngine } from './wasm-engine.js';

/** The default policy's per-process values, compiled as an entrypoint of its own (scripts/build-policy.sh). */
export const PROCESS_PLAN_ENTRYPOINT = 'mcp/process_plan';

/**
 * The parts of every policy input that are fixed for one shim process (ShimConfig has them): the
 * default policy's plan is computed for them once, at load.
 */
export interface PlanConstants {
  readonly principal: Principal;
  readonly serverId: string;
}

/**
 * The plan's input: the principal and server as the input builder puts them in every policy input
 * (src/input/input-context.ts), so that the policy's `planned` test finds them equal.
 */
export function planInput(constants: PlanConstants): object {
  const { principal, serverId } = constants;
  return {
    principal: {
      id: principal.id,
      roles: [...principal.roles],
      attributes: { ...principal.attributes },
    },
    server: { id: serverId },
  };
}

/**
 * Evaluates the default policy's `process_plan` for this run's principal and server on `engine`
 * (whose data is `data`, checked) and returns an engine of the same module whose data also holds
 * the plan (`data.mcp_shim.plan`): its decisions then read the tier, allow-list and argument-rule
 * values from there instead of computing them for every message (policy.rego, "per-process
 * plan"). Throws PolicyLoadError when the plan cannot be computed: the caller fails closed (at
 * start) or keeps the last good engine (on a reload).
 */
export function addProcessPlan(
  engine: WasmEngine,
  data: DataDocument,
  constants: PlanConstants,
  what: string,
): WasmEngine {
  const input = planInput(constants);
  const fix = 'reinstall the package or run `npm run build`';
  const resultSet = engine.evaluateOnce(PROCESS_PLAN_ENTRYPOINT, input);
  if (resultSet === undefined)
    throw new PolicyLoadError(
      `The policy from ${engine.revision.source} has no \`${PROCESS_PLAN_ENTRYPOINT}\` entrypoint, so the per-process plan for ${what} cannot be computed: ${fix}.`,
    );
  const plan = (resultSet as { result?: unknown }[])[0]?.result;
  if (!isPlanFor(plan, input))
    throw new PolicyLoadError(
      `Expected \`${PROCESS_PLAN_ENTRYPOINT}\` of the policy from ${engine.revision.source} to give a plan for principal \`${constants.principal.id}\` on server \`${constants.serverId}\` with ${what}, got ${JSON.stringify(resultSet)}: ${fix}.`,
    );
  const marks = (data[DATA_CHECKED_KEY] ?? {}) as Record<string, unknown>;
  return engine.withData({ ...data, [DATA_CHECKED_KEY]: { ...marks, plan } });
}

/** An object naming the principal and server it was computed for (key order aside, as in Rego). */
function isPlanFor(plan: unknown, input: object): boolean {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) return false;
  const { principal, server_id: serverId } = plan as Record<string, unknown>;
  const expected = input as { principal: unknown; server: { id: unknown } };
  return isDeepStrictEqual(principal, expected.principal) && serverId === expected.server.id;
}
