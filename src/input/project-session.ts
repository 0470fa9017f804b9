import type { SessionView } from '../session/session.js';
import type { InputContext } from './input-context.js';
import type { PolicyInput } from './policy-input.js';

/** The parts of the input that depend on the session, not on the message. */
export type SessionParts = Pick<PolicyInput, 'client' | 'server' | 'session'>;

interface Cached {
  readonly context: InputContext;
  readonly stamp: readonly unknown[];
  readonly parts: SessionParts;
}

const cache = new WeakMap<SessionView, Cached>();

/**
 * Snapshots the session for one input. Cached until the session changes, so a
 * 1,000-item list filter does not copy the counts a thousand times.
 */
export function projectSession(session: SessionView, context: InputContext): SessionParts {
  const stamp = stampOf(session);
  const cached = cache.get(session);
  if (cached?.context === context && sameStamp(cached.stamp, stamp)) return cached.parts;
  const parts = build(session, context);
  cache.set(session, { context, stamp, parts });
  return parts;
}

/**
 * Everything the projection reads. `recordOperation` always pushes a new
 * `recent` entry, so the last entry's identity moves whenever `counts` does.
 */
function stampOf(session: SessionView): unknown[] {
  return [
    session.id,
    session.era,
    session.protocolVersion,
    session.clientInfo,
    session.clientCapabilities,
    session.serverInfo,
    session.recent.length,
    session.recent.at(-1),
  ];
}

function sameStamp(left: readonly unknown[], right: readonly unknown[]): boolean {
  return left.length === right.length && left.every((value, index) => value === right[index]);
}

function build(session: SessionView, context: InputContext): SessionParts {
  const client: PolicyInput['client'] = {
    self_declared: true,
    ...(session.clientInfo === undefined ? {} : { info: session.clientInfo }),
    ...(session.clientCapabilities === undefined
      ? {}
      : { capabilities: session.clientCapabilities }),
    ...(session.protocolVersion === undefined ? {} : { protocol_version: session.protocolVersion }),
  };
  const server: PolicyInput['server'] = {
    id: context.server.id,
    command: context.server.command,
    ...(session.serverInfo === undefined ? {} : { info: session.serverInfo }),
  };
  return {
    client,
    server,
    session: {
      id: session.id,
      started_at: session.startedAt,
      era: session.era,
      counts: { ...session.counts },
      recent: session.recent.slice(),
    },
  };
}
