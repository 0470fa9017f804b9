import type { Decision, MaskRule } from '../core/decision.js';

/** Shown to the client when the shim fails closed; the cause goes to `error` (logs/audit only). */
export const FAIL_CLOSED_MESSAGE = 'Request denied: the policy could not be evaluated.';
/** Shown to the client when the policy denies without saying why. */
export const DEFAULT_DENY_MESSAGE = 'Request denied by policy.';

export function failClosed(error: string): Decision {
  return { allow: false, reasons: ['policy_error'], message: FAIL_CLOSED_MESSAGE, error };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 80))}`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * The single value of an OPA Wasm result set (`[{result}]`), or a reason it has none.
 * `[]` means the entrypoint is undefined for this input.
 */
export function singleResult(
  resultSet: unknown,
  entrypoint: string,
): { value: unknown } | { error: string } {
  if (!Array.isArray(resultSet))
    return { error: `policy returned a malformed result set (${describe(resultSet)})` };
  if (resultSet.length === 0)
    return { error: `entrypoint \`${entrypoint}\` is undefined for this input` };
  if (resultSet.length > 1)
    return { error: `entrypoint \`${entrypoint}\` returned ${resultSet.length} results` };
  const first: unknown = resultSet[0];
  if (!isRecord(first) || !('result' in first))
    return { error: 'policy returned a malformed result set entry' };
  return { value: first.result };
}

/** Only an object whose `allow` is exactly `true` allows; everything else denies and says why. */
export function normaliseDecision(resultSet: unknown, entrypoint: string): Decision {
  const single = singleResult(resultSet, entrypoint);
  if ('error' in single) return failClosed(single.error);
  const raw = single.value;
  if (!isRecord(raw))
    return failClosed(
      `entrypoint \`${entrypoint}\` returned ${describe(raw)}, expected an object with \`allow\``,
    );

  const reasons = Array.isArray(raw.reasons)
    ? raw.reasons.filter((r): r is string => typeof r === 'string')
    : [];
  const message = typeof raw.message === 'string' && raw.message !== '' ? raw.message : undefined;
  const internal =
    typeof raw.internal_message === 'string' && raw.internal_message !== ''
      ? raw.internal_message
      : undefined;
  const obligations = isRecord(raw.obligations) ? raw.obligations : undefined;
  const conceal = raw.conceal === true;
  const allow = raw.allow === true;
  const error =
    raw.allow === true || raw.allow === false
      ? undefined
      : `\`allow\` must be the boolean true to allow, got ${raw.allow === undefined ? 'no `allow`' : describe(raw.allow)}`;

  return {
    allow,
    reasons: error === undefined ? reasons : [...reasons, 'policy_error'],
    ...(allow
      ? message === undefined
        ? {}
        : { message }
      : { message: message ?? DEFAULT_DENY_MESSAGE }),
    ...(internal === undefined ? {} : { internal_message: internal }),
    ...(obligations === undefined ? {} : { obligations }),
    ...(conceal ? { conceal } : {}),
    ...(error === undefined ? {} : { error }),
  };
}

/** Erases the whole logged input: what masking falls back to when the mask policy misbehaves. */
export const ERASE_INPUT: readonly MaskRule[] = ['/input'];

/**
 * `system/log/mask` yields a set (an array in JSON) of pointers or `{op, path, value}` patches.
 * Undefined means nothing to mask. Rules are passed on as they are (the auditor rejects bad
 * ones by erasing the input); a result that is not a set erases the input.
 */
export function normaliseMaskRules(resultSet: unknown): readonly MaskRule[] {
  if (Array.isArray(resultSet) && resultSet.length === 0) return [];
  const single = singleResult(resultSet, 'system/log/mask');
  if ('error' in single || !Array.isArray(single.value)) return ERASE_INPUT;
  return single.value.map((rule: unknown) =>
    typeof rule === 'string' || isRecord(rule) ? (rule as MaskRule) : '',
  );
}

/** `system/log/drop` drops only on an explicit `true`. */
export function normaliseDrop(resultSet: unknown): boolean {
  const single = singleResult(resultSet, 'system/log/drop');
  return !('error' in single) && single.value === true;
}
