import type { SessionView } from '../session/session.js';
import { frozenCopy, sameJson } from './frozen-copy.js';
import type { InputContext } from './input-context.js';
import type { PolicyInput, RecentOperation } from './policy-input.js';

/** The parts of the input that depend on the session, not on the message. */
export type SessionParts = Pick<PolicyInput, 'client' | 'server' | 'session'>;

interface Cached {
  readonly context: InputContext;
  readonly stamp: readonly unknown[];
  readonly parts: SessionParts;
}

const cache = new WeakMap<SessionView, Cached>();

/**
 * Snapshots the session for one input, deeply frozen. Cached until the session changes, so a
 * 1,000-item list filter does not copy the counts a thousand times; `client` and `server` stay
 * the same objects until what they show changes, so the policy engine can keep them parsed.
 */
export function projectSession(session: SessionView, context: InputContext): SessionParts {
  const stamp = stampOf(session);
  const cached = cache.get(session);
  if (cached?.context === context && sameStamp(cached.stamp, stamp)) return cached.parts;
  const parts = build(session, context, cached?.context === context ? cached.parts : undefined);
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

function build(
  session: SessionView,
  context: InputContext,
  previous: SessionParts | undefined,
): SessionParts {
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
  return Object.freeze({
    // A modern-era client resends its info with every request: equal info keeps the old object.
    client:
      previous !== undefined && sameJson(previous.client, client)
        ? previous.client
        : frozenCopy(client),
    server:
      previous !== undefined && sameJson(previous.server, server)
        ? previous.server
        : frozenCopy(server),
    session: Object.freeze({
      id: session.id,
      started_at: session.startedAt,
      era: session.era,
      counts: Object.freeze({ ...session.counts }),
      recent: recentOf(session.recent, previous?.session.recent),
    }),
  });
}

/** The window as frozen entries; the previous array when the entries are equal (a run of one tool). */
function recentOf(
  recent: readonly RecentOperation[],
  previous: readonly RecentOperation[] | undefined,
): readonly RecentOperation[] {
  const entries = recent.map(frozenEntry);
  const same = previous !== undefined && sameJson(entries, previous);
  return same ? previous : Object.freeze(entries);
}

const frozenEntries = new WeakMap<RecentOperation, RecentOperation>();

/** Entries stay in the window for ten operations: freeze (a copy of) each once. */
function frozenEntry(entry: RecentOperation): RecentOperation {
  let frozen = frozenEntries.get(entry);
  if (frozen === undefined) {
    frozen = Object.isFrozen(entry) ? entry : Object.freeze({ ...entry });
    frozenEntries.set(entry, frozen);
  }
  return frozen;
}
