import type { SessionView } from '../session/session.js';
import { frozenCopy, sameJson } from './frozen-copy.js';
import type { InputContext } from './input-context.js';
import type { OperationType, PolicyInput, RecentOperation } from '../core/policy-input.js';
import { NO_APPROVALS, peekApprovalLedger } from '../state/approval-ledger.js';

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
 * 1,000-item list filter does not copy the counts a thousand times; `client`, `server` and the
 * recent-operations window stay the same objects until what they show changes, so the policy
 * engine can keep them parsed.
 */
export function projectSession(session: SessionView, context: InputContext): SessionParts {
  const stamp = stampOf(session);
  const cached = cache.get(session);
  if (cached?.context === context && sameStamp(cached.stamp, stamp)) return cached.parts;
  const previous = cached?.context === context ? cached : undefined;
  const peersUnchanged = previous !== undefined && sameStamp(previous.stamp, stamp, PEERS);
  const { client, server } = peersUnchanged
    ? previous.parts
    : peers(session, context, previous?.parts);
  // A literal, not `{ ...peers, session }`: V8 gives each such spread result a new hidden class
  // (an old-space Map per judged message; issue 5's RSS saw-tooth).
  // `session` itself is serialised per evaluation: only the values the engine caches are frozen.
  const parts: SessionParts = {
    client,
    server,
    session: {
      id: session.id,
      started_at: session.startedAt,
      era: session.era,
      counts: { ...session.counts },
      recent: recentOf(session.recent, previous?.parts.session.recent),
      approvals: approvalsOf(session),
    },
  };
  cache.set(session, { context, stamp, parts });
  return parts;
}

/**
 * Everything the projection reads. `recordOperation` always pushes a new
 * `recent` entry, so the last entry's identity moves whenever `counts` does.
 */
function stampOf(session: SessionView): unknown[] {
  return [
    session.protocolVersion,
    session.clientInfo,
    session.clientCapabilities,
    session.serverInfo,
    session.id,
    session.era,
    session.recent.length,
    session.recent.at(-1),
    approvalsOf(session),
  ];
}

/** The ledger's frozen list (a new array after each grant); the shared empty one when none. */
function approvalsOf(session: SessionView): PolicyInput['session']['approvals'] {
  return peekApprovalLedger(session)?.entries ?? NO_APPROVALS;
}

/** The stamp entries `client` and `server` are projected from. */
const PEERS = 4;

function sameStamp(left: readonly unknown[], right: readonly unknown[], length = left.length) {
  if (left.length !== right.length) return false;
  for (let index = 0; index < length; index++) if (left[index] !== right[index]) return false;
  return true;
}

function peers(
  session: SessionView,
  context: InputContext,
  previous: SessionParts | undefined,
): Pick<SessionParts, 'client' | 'server'> {
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
  // A modern-era client resends its info with every request: equal info keeps the old object.
  return {
    client:
      previous !== undefined && sameJson(previous.client, client)
        ? previous.client
        : frozenCopy(client),
    server:
      previous !== undefined && sameJson(previous.server, server)
        ? previous.server
        : frozenCopy(server),
  };
}

/** The window as interned entries; the previous array when they are the same (a run of one tool). */
function recentOf(
  recent: readonly RecentOperation[],
  previous: readonly RecentOperation[] | undefined,
): readonly RecentOperation[] {
  const entries = recent.map(internEntry);
  const same =
    previous?.length === entries.length &&
    entries.every((entry, index) => entry === previous[index]);
  return same ? previous : Object.freeze(entries);
}

/** A server listing endless distinct tools cannot grow the table beyond this many names. */
const ENTRY_LIMIT = 1024;
let entries = new Map<OperationType, Map<string | undefined, [RecentOperation, RecentOperation]>>();
let entryCount = 0;

/** One frozen entry per distinct `{type, name?, allow}` (the only fields an entry has). */
function internEntry({ type, name, allow }: RecentOperation): RecentOperation {
  let byName = entries.get(type);
  if (byName === undefined) {
    byName = new Map();
    entries.set(type, byName);
  }
  let pair = byName.get(name);
  if (pair === undefined) {
    if (entryCount >= ENTRY_LIMIT) {
      entries = new Map();
      entryCount = 0;
      return internEntry(name === undefined ? { type, allow } : { type, name, allow });
    }
    const make = (value: boolean): RecentOperation =>
      Object.freeze(name === undefined ? { type, allow: value } : { type, name, allow: value });
    pair = [make(false), make(true)];
    byName.set(name, pair);
    entryCount++;
  }
  return pair[allow ? 1 : 0];
}
