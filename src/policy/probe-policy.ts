import type { PolicyInput } from '../core/policy-input.js';
import { PolicyLoadError } from './policy-load-error.js';

/**
 * A client's `initialize`: every session starts with it (legacy era), so a policy whose
 * entrypoint does not answer it with a decision object could never serve a session. Only the
 * shape of the answer is checked; allow or deny are both fine.
 */
export const PROBE_INPUT: PolicyInput = {
  version: 1,
  direction: 'to_server',
  message: { kind: 'request', method: 'initialize', id: 0 },
  operation: { type: 'lifecycle', name: 'initialize', listing: false },
  arguments: {},
  paths: [],
  principal: { id: 'start-up-probe', roles: [], attributes: {} },
  client: {
    self_declared: true,
    info: { name: 'mcp-opa-shim-probe', version: '0' },
    protocol_version: '2025-06-18',
  },
  server: { id: 'start-up-probe', command: ['start-up-probe'] },
  transport: 'stdio',
  session: {
    id: 'start-up-probe',
    started_at: '1970-01-01T00:00:00.000Z',
    era: 'legacy',
    counts: {},
    recent: [],
    approvals: [],
  },
  approval: { granted: false },
  environment: { names: [] },
  roots: [],
  mode: 'enforce',
};

/** What the entrypoint gave for the probe input: a result set, or why evaluation failed. */
export type ProbeOutcome = { readonly resultSet: unknown } | { readonly failure: string };

/**
 * Throws PolicyLoadError unless the entrypoint's single result is an object with a boolean
 * `allow`: a policy that answers `true`, a string or nothing would start and then deny every
 * message, which looks like a working shim to whoever starts it.
 */
export function checkProbe(outcome: ProbeOutcome, entrypoint: string, source: string): void {
  const problem = probeProblem(outcome);
  if (problem === undefined) return;
  throw new PolicyLoadError(
    `The policy from ${source} does not return a decision: on a probe \`initialize\` request, entrypoint \`${entrypoint}\` (\`--entrypoint\`) ${problem}. ` +
      `Fix the policy so that \`${entrypoint.replaceAll('/', '.')}\` is always an object with a boolean \`allow\`, e.g. \`default decision := {"allow": false, "message": "Denied by policy."}\`.`,
  );
}

function probeProblem(outcome: ProbeOutcome): string | undefined {
  if ('failure' in outcome) return `failed to evaluate (${outcome.failure})`;
  const set = outcome.resultSet;
  if (!Array.isArray(set)) return `returned a malformed result set (${show(set)})`;
  if (set.length === 0) return 'is undefined (add a `default` rule)';
  if (set.length > 1) return `returned ${String(set.length)} results`;
  const first: unknown = set[0];
  const value =
    typeof first === 'object' && first !== null && 'result' in first ? first.result : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `returned \`${show(value)}\`, not an object`;
  const allow = (value as { allow?: unknown }).allow;
  if (typeof allow !== 'boolean')
    return `returned \`${show(value)}\`, whose \`allow\` is ${allow === undefined ? 'missing' : `\`${show(allow)}\`, not a boolean`}`;
  return undefined;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  const shown = text ?? String(value);
  return shown.length > 120 ? `${shown.slice(0, 117)}...` : shown;
}
