import { randomUUID } from 'node:crypto';
import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import type { OperationType, RecentOperation } from '../core/policy-input.js';
import { NamespaceGate, type NamespaceAccess } from './namespace-gate.js';
import { PendingTable } from './pending-table.js';
import { ToolCatalog } from './tool-catalog.js';

export type Era = 'unknown' | 'legacy' | 'modern';

/** What the policy input may read from the session. */
export interface SessionView {
  readonly id: string;
  readonly startedAt: string;
  readonly era: Era;
  readonly clientInfo: JsonObject | undefined;
  readonly clientCapabilities: JsonObject | undefined;
  readonly protocolVersion: string | undefined;
  readonly serverInfo: JsonObject | undefined;
  readonly counts: Readonly<Record<string, number>>;
  readonly recent: readonly RecentOperation[];
  readonly catalog: ToolCatalog;
}

export interface PendingRequest {
  readonly method: string;
  readonly params: JsonObject | undefined;
  /** Sent by the shim itself (catalog refresh): its answer is never relayed. */
  readonly internal?: boolean;
  /** What it may do to the file namespace (see NamespaceGate); `none` when absent. */
  readonly access?: NamespaceAccess;
}

/** A client request the shim holds (judged later, behind a barrier) or has forwarded. */
interface ToServerEntry {
  request: PendingRequest;
  forwarded: boolean;
}

/** Kept short: every entry is serialised into every policy evaluation. */
const RECENT_LIMIT = 10;

/**
 * At most this many keys in `counts`: a client naming a new tool or resource in every message
 * must not grow the session (copied into every policy input and audit record) without bound.
 * The operations of a key that comes after are counted under OVERFLOW_KEY; a key once there keeps
 * counting, so no count ever goes back down (docs/policy-input.md).
 */
export const COUNTED_KEYS = 256;

/** Not an operation type, so no operation's own key. */
export const OVERFLOW_KEY = 'overflow';
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_INFO = 'io.modelcontextprotocol/clientInfo';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';

/** Per-connection state: era, versions, peers' self-descriptions, pending ids both ways. */
export class Session implements SessionView {
  readonly id = randomUUID();
  readonly startedAt = new Date().toISOString();
  era: Era = 'unknown';
  clientInfo: JsonObject | undefined;
  clientCapabilities: JsonObject | undefined;
  protocolVersion: string | undefined;
  serverInfo: JsonObject | undefined;
  readonly counts: Record<string, number> = {};
  #countedKeys = 0;
  readonly recent: RecentOperation[] = [];
  readonly catalog = new ToolCatalog();

  /** Forwarded client requests that touch the file namespace: barriers and the paths behind them. */
  readonly gate = new NamespaceGate();
  /**
   * Client requests held by the shim or forwarded to the server, awaiting its response. Held ones
   * own their id too, so that no later request can take it over before they are forwarded.
   */
  private readonly toServer = new PendingTable<ToServerEntry>();
  /** Server requests forwarded to the client, awaiting the client's response. */
  private readonly toClient = new PendingTable<PendingRequest>();
  /** Forwarded client requests the client cancelled. */
  private readonly cancelled = new Set<JsonRpcId>();
  /** Client request ids the shim answered itself (the last REMEMBERED); their cancellations are dropped. */
  private readonly deniedIds = new Set<JsonRpcId>();

  /** Legacy handshake: the client's `initialize` request. */
  observeInitialize(params: JsonObject | undefined): void {
    this.era = 'legacy';
    this.clientInfo = asObject(params?.clientInfo);
    this.clientCapabilities = asObject(params?.capabilities);
    if (typeof params?.protocolVersion === 'string') this.protocolVersion = params.protocolVersion;
  }

  /** The server's answer to `initialize` fixes the negotiated version. */
  observeInitializeResult(result: JsonObject): void {
    if (typeof result.protocolVersion === 'string') this.protocolVersion = result.protocolVersion;
    this.serverInfo = asObject(result.serverInfo);
  }

  /** Modern era: version, client info and capabilities travel in each request's `_meta`. */
  observeRequestMeta(params: JsonObject | undefined): void {
    const meta = asObject(params?._meta);
    if (!meta) return;
    const version = meta[META_PROTOCOL_VERSION];
    if (typeof version !== 'string') return;
    if (this.era !== 'legacy') {
      this.era = 'modern';
      this.protocolVersion = version;
      this.clientInfo = asObject(meta[META_CLIENT_INFO]) ?? this.clientInfo;
      this.clientCapabilities = asObject(meta[META_CLIENT_CAPABILITIES]) ?? this.clientCapabilities;
    }
  }

  observeDiscoverResult(result: JsonObject): void {
    this.serverInfo = asObject(result.serverInfo) ?? this.serverInfo;
  }

  /** JSON-RPC batches exist only in 2025-03-26. */
  get batchesAllowed(): boolean {
    return this.protocolVersion === '2025-03-26';
  }

  /** True when a client request with this id is held or forwarded and not yet answered. */
  isPendingToServer(id: JsonRpcId): boolean {
    return this.toServer.has(id);
  }

  /** A client request the shim holds before judging it; false when its id is already pending. */
  holdToServer(id: JsonRpcId, request: PendingRequest): boolean {
    return this.toServer.add(id, { request, forwarded: false });
  }

  isHeldToServer(id: JsonRpcId): boolean {
    return this.toServer.get(id)?.forwarded === false;
  }

  /** Removes a held request (denied, cancelled or failed before it was forwarded). */
  dropHeldToServer(id: JsonRpcId): PendingRequest | undefined {
    const entry = this.toServer.get(id);
    if (entry?.forwarded !== false) return undefined;
    this.toServer.take(id);
    return entry.request;
  }

  /**
   * A request is forwarded: its held entry (if any) becomes pending. False, changing nothing, when
   * a forwarded request already has this id (an entry is never replaced).
   */
  forwardedToServer(id: JsonRpcId, request: PendingRequest): boolean {
    const entry = this.toServer.get(id);
    if (entry === undefined) {
      if (!this.toServer.add(id, { request, forwarded: true })) return false;
    } else {
      if (entry.forwarded) return false;
      entry.request = request;
      entry.forwarded = true;
    }
    this.deniedIds.delete(id);
    this.gate.enter(request.access ?? 'none');
    return true;
  }

  /** The forwarded client request a server response answers, left pending (see settleToServer). */
  peekToServer(id: JsonRpcId): PendingRequest | undefined {
    const entry = this.toServer.get(id);
    return entry?.forwarded === true ? entry.request : undefined;
  }

  /**
   * Removes and returns the forwarded client request a server response answers. A held request
   * was never sent: a response with its id answers nothing.
   */
  settleToServer(id: JsonRpcId): PendingRequest | undefined {
    const entry = this.toServer.get(id);
    if (entry?.forwarded !== true) return undefined;
    this.toServer.take(id);
    this.cancelled.delete(id);
    this.gate.leave(entry.request.access ?? 'none');
    return entry.request;
  }

  /** Pending client requests (held or forwarded, not the shim's own, not cancelled): owed an answer. */
  pendingToServerIds(): JsonRpcId[] {
    return [...this.toServer.entries()]
      .filter(([id, entry]) => entry.request.internal !== true && !this.cancelled.has(id))
      .map(([id]) => id);
  }

  /**
   * The server is gone: every pending client request (held ones included) is forgotten and every
   * hold released. Returns the ids still owed an answer (see pendingToServerIds).
   */
  abandonToServer(): JsonRpcId[] {
    const owed = this.pendingToServerIds();
    this.toServer.clear();
    this.cancelled.clear();
    this.gate.reset();
    return owed;
  }

  /** The client cancelled a forwarded request: it expects no answer (a late one is still relayed). */
  cancelledByClient(id: JsonRpcId): void {
    if (this.toServer.get(id)?.forwarded === true) this.cancelled.add(id);
  }

  /** A server request forwarded to the client; false, changing nothing, when its id is pending. */
  forwardedToClient(id: JsonRpcId, request: PendingRequest): boolean {
    return this.toClient.add(id, request);
  }

  isPendingToClient(id: JsonRpcId): boolean {
    return this.toClient.has(id);
  }

  settleToClient(id: JsonRpcId): PendingRequest | undefined {
    return this.toClient.take(id);
  }

  /** The shim answered this client request itself; a held entry for it is released. */
  deniedByShim(id: JsonRpcId): void {
    this.dropHeldToServer(id);
    this.deniedIds.delete(id);
    this.deniedIds.add(id);
    forgetOldest(this.deniedIds);
  }

  wasDenied(id: JsonRpcId): boolean {
    return this.deniedIds.has(id);
  }

  recordOperation(type: OperationType, name: string | undefined, allow: boolean): void {
    const { counts } = this;
    let key = name === undefined ? type : `${type}:${name}`;
    if (!Object.hasOwn(counts, key)) {
      if (this.#countedKeys >= COUNTED_KEYS) key = OVERFLOW_KEY;
      if (!Object.hasOwn(counts, key)) this.#countedKeys++;
    }
    counts[key] = (counts[key] ?? 0) + 1;
    const entry: RecentOperation = name === undefined ? { type, allow } : { type, name, allow };
    this.recent.push(entry);
    if (this.recent.length > RECENT_LIMIT) this.recent.shift();
  }
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

/**
 * How many denied ids and input-request keys a session remembers: a long session must not grow
 * without bound. A client cancels or answers within moments; an older id is forgotten (its
 * cancellation then reaches the server, which ignores an id it never saw).
 */
export const REMEMBERED = 1024;

function forgetOldest(entries: Set<unknown> | Map<unknown, unknown>): void {
  if (entries.size <= REMEMBERED) return;
  const oldest = entries.keys().next();
  if (oldest.done !== true) entries.delete(oldest.value);
}
