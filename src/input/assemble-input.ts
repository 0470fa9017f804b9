import type { JsonRpcId } from '../core/json-rpc.js';
import type { SessionView } from '../session/session.js';
import type { InputContext } from './input-context.js';
import {
  POLICY_INPUT_VERSION,
  type Direction,
  type MessageKind,
  type Operation,
  type PolicyInput,
  type ResolvedPath,
} from '../core/policy-input.js';
import type { ProjectedArguments } from './project-arguments.js';
import { projectSession } from './project-session.js';
import { NOT_GRANTED } from '../state/approval-ledger.js';

export interface MessageHead {
  readonly direction: Direction;
  readonly kind: MessageKind;
  readonly method: string;
  readonly id: JsonRpcId | undefined;
}

const environments = new WeakMap<InputContext, PolicyInput['environment']>();

/** One frozen `environment` per context, so the policy engine can keep it parsed. */
function environmentOf(context: InputContext): PolicyInput['environment'] {
  let environment = environments.get(context);
  if (environment === undefined) {
    environment = Object.freeze({ names: Object.freeze([...context.environmentNames]) });
    environments.set(context, environment);
  }
  return environment;
}

/**
 * Puts the message-specific parts together with the precomputed and session parts. The parts
 * that do not depend on the message are the same deeply frozen objects from one input to the
 * next (until they change): the policy engine reuses their parsed form.
 */
export function assembleInput(
  head: MessageHead,
  operation: Operation,
  projected: ProjectedArguments,
  paths: readonly ResolvedPath[],
  session: SessionView,
  context: InputContext,
  approval: PolicyInput['approval'] = NOT_GRANTED,
): PolicyInput {
  const parts = projectSession(session, context);
  return {
    version: POLICY_INPUT_VERSION,
    direction: head.direction,
    message:
      head.id === undefined
        ? { kind: head.kind, method: head.method }
        : { kind: head.kind, method: head.method, id: head.id },
    operation,
    arguments: projected.value,
    ...(projected.omitted.length > 0 ? { arguments_omitted: projected.omitted } : {}),
    paths,
    principal: context.principal,
    client: parts.client,
    server: parts.server,
    transport: 'stdio',
    session: parts.session,
    approval,
    environment: environmentOf(context),
    roots: context.roots,
    mode: context.mode,
  };
}
