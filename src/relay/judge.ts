import type { PolicyInput } from '../input/policy-input.js';
import type { Decision } from '../policy/decision.js';
import type { RelayContext } from './relay-context.js';

export interface Verdict {
  readonly decision: Decision;
  /** What the relay does: the decision in enforce mode, always true in monitor mode. */
  readonly pass: boolean;
  readonly evalMicros: number;
}

/** Evaluates one message's input, notes it in the session and audits it before anything moves. */
export function judge(context: RelayContext, rawInput: PolicyInput): Verdict {
  const input = withoutSecrets(context, rawInput);
  const started = performance.now();
  const decision = context.policy.evaluate(input);
  const evalMicros = (performance.now() - started) * 1000;
  context.session.recordOperation(input.operation.type, input.operation.name, decision.allow);
  const pass = decision.allow || context.monitor;
  const action = decision.allow ? 'forwarded' : context.monitor ? 'monitored' : 'denied';
  context.auditor.record({ input, decision, action, evalMicros });
  if (!decision.allow) {
    context.logger.info(
      {
        method: input.message.method,
        operation: input.operation,
        reasons: decision.reasons,
        error: decision.error,
      },
      context.monitor ? 'would deny (monitor mode)' : 'denied',
    );
  }
  return { decision, pass, evalMicros };
}

/** Listing checks ("may this item be advertised?") are not operations: no session entry. */
export function judgeListing(context: RelayContext, input: PolicyInput): Decision {
  return context.policy.evaluate(input);
}

/**
 * The peers control the operation, arguments and paths: a secret value they carry (a model
 * pasting a token into a tool argument) is replaced by its marker before the policy sees it.
 */
function withoutSecrets(context: RelayContext, input: PolicyInput): PolicyInput {
  if (context.secrets.size === 0) return input;
  const peerText = JSON.stringify([input.operation, input.arguments, input.paths]);
  if (!context.secrets.contains(peerText)) return input;
  const [operation, args, paths] = JSON.parse(context.secrets.scrub(peerText)) as [
    PolicyInput['operation'],
    PolicyInput['arguments'],
    PolicyInput['paths'],
  ];
  return { ...input, operation, arguments: args, paths };
}
