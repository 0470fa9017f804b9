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
    // Counted before it is forwarded: a count that cannot be persisted stops the call.
    if (request !== undefined) counters.count(request);
    return { input: counted, decision };
  } catch (error) {
    if (!(error instanceof QuotaStoreError)) throw error;
    context.logger.error({ err: error.message }, 'quota counters unavailable; denying');
    return { input, decision: stateFailure(error) };
  }
}

function isToolCall(input: PolicyInput): boolean {
  return (
    input.message.method === 'tools/call' &&
    input.message.kind === 'request' &&
    input.direction === 'to_server'
  );
}

function withWindows(input: PolicyInput, counters: CallCounters): PolicyInput {
  const { rate, quota } = counters.views();
  return {
    ...input,
    ...(rate === undefined ? {} : { rate }),
    ...(quota === undefined ? {} : { quota }),
  };
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
