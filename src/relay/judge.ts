import type { PolicyInput } from '../core/policy-input.js';
import type { Decision } from '../core/decision.js';
import { evaluateCounted } from './rate-quota.js';
import type { RelayContext } from './relay-context.js';

export interface Verdict {
  readonly decision: Decision;
  /** What the relay does: the decision in enforce mode, always true in monitor mode. */
  readonly pass: boolean;
  readonly evalMicros: number;
}

/** Evaluates one message's input, notes it in the session and audits it before anything moves. */
export function judge(context: RelayContext, rawInput: PolicyInput): Verdict {
  const started = performance.now();
  const { input, decision } = evaluateCounted(context, withoutSecrets(context, rawInput));
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
 * The peers control the operation, arguments and paths, the message's method and id, what the
 * client and server say about themselves and the roots: a secret value they carry (a model
 * pasting a token into a tool argument, escaped or not) is replaced by its marker before the
 * policy sees it. The rest of the input comes from the configuration and the shim.
 */
function withoutSecrets(context: RelayContext, input: PolicyInput): PolicyInput {
  if (context.secrets.size === 0) return input;
  const { operation, arguments: args, paths, message, client, server, roots } = input;
  const peerText = JSON.stringify([operation, args, paths, message, client, server, roots]);
  if (!context.secrets.contains(peerText)) return input;
  const scrubbed = JSON.parse(context.secrets.scrub(peerText)) as [
    PolicyInput['operation'],
    PolicyInput['arguments'],
    PolicyInput['paths'],
    PolicyInput['message'],
    PolicyInput['client'],
    PolicyInput['server'],
    PolicyInput['roots'],
  ];
  return {
    ...input,
    operation: scrubbed[0],
    arguments: scrubbed[1],
    paths: scrubbed[2],
    message: scrubbed[3],
    client: scrubbed[4],
    server: scrubbed[5],
    roots: scrubbed[6],
  };
}
