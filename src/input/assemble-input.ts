import type { JsonRpcId } from '../messages/json-rpc.js';
import type { SessionView } from '../session/session.js';
import type { InputContext } from './input-context.js';
import {
  POLICY_INPUT_VERSION,
  type Direction,
  type MessageKind,
  type Operation,
  type PolicyInput,
  type ResolvedPath,
} from './policy-input.js';
import type { ProjectedArguments } from './project-arguments.js';
import { projectSession } from './project-session.js';

export interface MessageHead {
  readonly direction: Direction;
  readonly kind: MessageKind;
  readonly method: string;
  readonly id: JsonRpcId | undefined;
}

/** Puts the message-specific parts together with the precomputed and session parts. */
export function assembleInput(
  head: MessageHead,
  operation: Operation,
  projected: ProjectedArguments,
  paths: readonly ResolvedPath[],
  session: SessionView,
  context: InputContext,
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
    approval: { granted: false },
    environment: { names: context.environmentNames },
    roots: context.roots,
    mode: context.mode,
  };
}
