import type { Decision } from '../core/decision.js';
import type { PolicyInput } from '../core/policy-input.js';
import {
  countRequestOf,
  QuotaStoreError,
  type CallCounters,
} from '../state/counters/call-counters.js';
import type { RelayContext } from './relay-context.js';

export interface CountedVerdict {
  /** The input as judged: with `rate` and `quota` once counting started. */
  readonly input: PolicyInput;
  readonly decision: Decision;
}

/**
 * Evaluates one input with the rate and quota counters (docs/rate-limits.md) and counts an
 * allowed `tools/call` under the keys its decision names. Nothing is read or counted for other
 * messages, nor before a decision first asks for a count. A quota file that cannot be read or
 * written denies the call (`state_error`).
 */
export function evaluateCounted(context: RelayContext, input: PolicyInput): CountedVerdict {
  if (!isToolCall(input)) return { input, decision: context.policy.evaluate(input) };
  const { counters } = context;
  try {
    if (counters.active && counters.limitsGiven) {
      const quick = judgedWithoutWindows(context, input);
      if (quick !== undefined) return quick;
    }
    let counted = counters.active ? withWindows(input, counters) : input;
    let decision = context.policy.evaluate(counted);
    let request = decision.allow ? countRequestOf(decision.obligations) : undefined;
    if (request !== undefined && request.quota.length > 0 && !counters.quotaOpen) {
      // The first quota asked for: judge again with the counts other shims and runs persisted.
      counters.openQuota();
      counted = withWindows(input, counters);
      decision = context.policy.evaluate(counted);
      request = decision.allow ? countRequestOf(decision.obligations) : undefined;
    }
    // An allowed decision without limits: this policy makes no promise, so the fast path would
    // only judge its calls twice (with `--rules`, or data without limits after a reload).
    if (decision.allow && request?.limits === undefined) counters.limitsGiven = false;
    // Counted before it is forwarded: a count that cannot be persisted stops the call.
    if (request !== undefined) counters.count(request);
    return { input: counted, decision };
  } catch (error) {
    if (!(error instanceof QuotaStoreError)) throw error;
    context.logger.error({ err: error.message }, 'quota counters unavailable; denying');
    return { input, decision: stateFailure(error) };
  }
}

/**
 * The fast path (docs/rate-limits.md, "Cost"): judged without the windows, a call the policy
 * allows, whose decision gives each counter's limit, and whose every count is below its limit
 * now, has the decision the windows would give. The policy promises it by giving the limits:
 * its rules then read the windows only to compare these counts with these limits, which cannot
 * deny below them. Counted and returned; undefined otherwise (the caller judges with the windows).
 */
function judgedWithoutWindows(
  context: RelayContext,
  input: PolicyInput,
): CountedVerdict | undefined {
  const decision = context.policy.evaluate(input);
  if (!decision.allow) return undefined;
  const request = countRequestOf(decision.obligations);
  if (request === undefined || !context.counters.allBelow(request)) return undefined;
  context.counters.count(request);
  return { input, decision };
}

function isToolCall(input: PolicyInput): boolean {
  return (
    input.message.method === 'tools/call' &&
    input.message.kind === 'request' &&
    input.direction === 'to_server'
  );
}

/** The input with the windows counted so far (on the hot path: one copy, no spread of parts). */
function withWindows(input: PolicyInput, counters: CallCounters): PolicyInput {
  const rate = counters.rateView();
  const quota = counters.quotaView();
  if (rate === undefined && quota === undefined) return input;
  const counted: { -readonly [K in keyof PolicyInput]: PolicyInput[K] } = { ...input };
  if (rate !== undefined) counted.rate = rate;
  if (quota !== undefined) counted.quota = quota;
  return counted;
}

function stateFailure(error: QuotaStoreError): Decision {
  return {
    allow: false,
    reasons: ['state_error'],
    message: `Request denied: the shim cannot use its quota counters. ${error.message}`,
    internal_message: error.message,
    error: error.message,
  };
}
