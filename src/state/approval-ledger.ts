import { createHash } from 'node:crypto';
import type { ApprovalScope, PolicyInput, SessionApproval } from '../core/policy-input.js';

export type { ApprovalScope } from '../core/policy-input.js';
type ApprovalEntry = SessionApproval;
type ApprovalView = PolicyInput['approval'];

export const NOT_GRANTED: ApprovalView = Object.freeze({ granted: false });
const GRANTED_ONCE: ApprovalView = Object.freeze({ granted: true, scope: 'once' });
const GRANTED_SESSION: ApprovalView = Object.freeze({ granted: true, scope: 'session' });
export const NO_APPROVALS: readonly ApprovalEntry[] = Object.freeze([]);

/** Kept short: the list is in every policy input of the session. */
const LISTED_LIMIT = 32;

/**
 * The approvals a human gave in one session: once for a tool with these exact arguments (used up
 * by the call it was given for), or for the tool for the rest of the session. Nothing else
 * grants one; a session that never asked keeps NO_APPROVALS and NOT_GRANTED (frozen constants,
 * so the input builder and the policy engine pay nothing for them).
 */
export class ApprovalLedger {
  /** `tool\0digest` → unused once-approvals. */
  readonly #once = new Map<string, number>();
  readonly #sessionTools = new Set<string>();
  #listed: readonly ApprovalEntry[] = NO_APPROVALS;

  /** The approvals given so far, newest last (a new frozen array after each grant). */
  get entries(): readonly ApprovalEntry[] {
    return this.#listed;
  }

  grant(tool: string, digest: string, scope: ApprovalScope, at: string): void {
    if (scope === 'session') this.#sessionTools.add(tool);
    else {
      const key = onceKey(tool, digest);
      this.#once.set(key, (this.#once.get(key) ?? 0) + 1);
    }
    const entry: ApprovalEntry = Object.freeze({ tool, scope, at });
    this.#listed = Object.freeze([...this.#listed, entry].slice(-LISTED_LIMIT));
  }

  /** What the policy input says about a call to `tool` whose arguments have this digest. */
  view(tool: string, digest: string): ApprovalView {
    if (this.#sessionTools.has(tool)) return GRANTED_SESSION;
    return this.#once.has(onceKey(tool, digest)) ? GRANTED_ONCE : NOT_GRANTED;
  }

  /** The call a once-approval was given for goes to the server: it is used up. */
  useOnce(tool: string, digest: string): void {
    if (this.#sessionTools.has(tool)) return;
    const key = onceKey(tool, digest);
    const left = (this.#once.get(key) ?? 0) - 1;
    if (left > 0) this.#once.set(key, left);
    else this.#once.delete(key);
  }
}

function onceKey(tool: string, digest: string): string {
  return `${tool}\u0000${digest}`;
}

/**
 * sha256 (hex) of the arguments as canonical JSON (keys sorted at every level): the same call
 * spelt with its keys in another order is the same call.
 */
export function argumentsDigest(args: unknown): string {
  return createHash('sha256').update(canonicalJson(args)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  // undefined (an absent value) has no JSON text; it counts as null, as JSON.stringify writes it in arrays.
  return value === undefined ? 'null' : JSON.stringify(value);
}

const ledgers = new WeakMap<object, ApprovalLedger>();

/** The session's ledger, created on first use (when the shim first asks). */
export function approvalLedgerOf(session: object): ApprovalLedger {
  let ledger = ledgers.get(session);
  if (ledger === undefined) {
    ledger = new ApprovalLedger();
    ledgers.set(session, ledger);
  }
  return ledger;
}

/** The session's ledger, or undefined when no approval was ever given (the hot path). */
export function peekApprovalLedger(session: object): ApprovalLedger | undefined {
  return ledgers.get(session);
}
