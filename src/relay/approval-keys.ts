import type { Decision } from '../core/decision.js';
import { isJsonObject, type JsonObject } from '../core/json-rpc.js';
import { REMEMBERED } from '../session/session.js';
import { argumentsDigest } from '../state/approval-ledger.js';
import { DEFAULT_APPROVAL_TIMEOUT_MS, isShimApprovalId, readAnswer } from './approval-prompt.js';
import { auditApproval, grantApproval, spendApproval, type AskedCall } from './approval-release.js';
import type { RelayContext } from './relay-context.js';

interface Issued {
  readonly call: AskedCall;
  readonly expiresAt: number;
  /** Audits the key as timed out when no retry answered it in time. */
  readonly timer: NodeJS.Timeout;
  /** Audited as timed out already: a late retry is denied without a second record. */
  expired: boolean;
}

/** Per session: the `inputRequests` keys the shim issued for approvals (2026-07-28). */
const issuedBySession = new WeakMap<object, Map<string, Issued>>();

function issuedOf(context: RelayContext): Map<string, Issued> {
  let issued = issuedBySession.get(context.session);
  if (issued === undefined) {
    issued = new Map();
    issuedBySession.set(context.session, issued);
  }
  return issued;
}

/**
 * 2026-07-28: the shim answered a call with `input_required`; the retry must come in time. A key
 * no retry answers within `--approval-timeout` is audited as timed out when it expires: a client
 * may never retry (an SDK client whose elicitation handler failed gives up on the call), and the
 * audit log must still say what became of the question.
 */
export function issueApprovalKey(context: RelayContext, key: string, call: AskedCall): void {
  const issued = issuedOf(context);
  const timeoutMs = context.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  const timer = setTimeout(() => {
    expire(context, key, timeoutMs);
  }, timeoutMs);
  // A question no one answers never keeps the shim alive once both peers are gone.
  timer.unref();
  issued.set(key, { call, expiresAt: Date.now() + timeoutMs, timer, expired: false });
  if (issued.size > REMEMBERED) {
    const oldest = issued.entries().next();
    if (oldest.done !== true) {
      clearTimeout(oldest.value[1].timer);
      issued.delete(oldest.value[0]);
    }
  }
}

function expire(context: RelayContext, key: string, timeoutMs: number): void {
  const issued = issuedOf(context).get(key);
  if (issued === undefined || issued.expired) return;
  issued.expired = true;
  const why = `no answer within ${timeoutMs / 1000} s (--approval-timeout)`;
  auditApproval(
    context,
    issued.call,
    { via: 'input_required', id: key },
    'timeout',
    `${issued.call.reason} Denied: ${why}; no retry brought one.`,
  );
}

export type ApprovalResponses =
  /** The retry answers no approval the shim asked: judged as it is. */
  | { readonly kind: 'none' }
  /**
   * Granted (now in the ledger); the retry goes on without the shim's key. `spend`: the retry was
   * not forwarded after all (the policy, perhaps reloaded, denies it), so an approve-once given
   * for it goes with it.
   */
  | { readonly kind: 'granted'; readonly params: JsonObject; readonly spend: () => void }
  | { readonly kind: 'deny'; readonly decision: Decision };

const NONE = { kind: 'none' } as const;

/**
 * 2026-07-28: a client's retry carries the human's answer in `inputResponses`, under the key the
 * shim issued. It must come within `--approval-timeout`, for the same tool and arguments it was
 * asked about. The key is the shim's: it is taken out before the rest is judged and forwarded,
 * so the server never sees it.
 */
export function takeApprovalResponses(
  context: RelayContext,
  method: string,
  params: JsonObject | undefined,
): ApprovalResponses {
  const responses = params?.inputResponses;
  if (params === undefined || !isJsonObject(responses)) return NONE;
  const keys = Object.keys(responses).filter(isShimApprovalId);
  if (keys.length === 0) return NONE;
  const rest = Object.fromEntries(
    Object.entries(responses).filter(([key]) => !isShimApprovalId(key)),
  );
  const others = Object.fromEntries(
    Object.entries(params).filter(([name]) => name !== 'inputResponses'),
  );
  const onward: JsonObject =
    Object.keys(rest).length > 0 ? { ...others, inputResponses: rest } : others;
  if (keys.length > 1) {
    return refuse(
      context,
      `the retry answers ${keys.length} approvals at once; answer only the latest one`,
    );
  }
  const key = keys[0] as string;
  const issued = issuedOf(context).get(key);
  issuedOf(context).delete(key);
  if (issued === undefined) {
    return refuse(
      context,
      `the retry answers approval key ${JSON.stringify(key)}, which the shim did not issue in this session or was answered already; call the tool again to be asked`,
    );
  }
  clearTimeout(issued.timer);
  const { call } = issued;
  const asked = { via: 'input_required', id: key } as const;
  const tool = typeof params.name === 'string' ? params.name : '';
  if (
    method !== 'tools/call' ||
    tool !== call.tool ||
    argumentsDigest(params.arguments ?? {}) !== call.digest
  ) {
    auditApproval(
      context,
      call,
      asked,
      'error',
      `${call.reason} Denied: the retry is not the call that was asked about.`,
    );
    return deny(
      `${call.reason} Denied: the approval answered is for another call; call the tool again to be asked`,
    );
  }
  const why = refusal(context, call, asked, issued, responses[key]);
  if (why !== undefined) return deny(`${call.reason} Denied: ${why}.`);
  const answer = readAnswer(responses[key]);
  if (answer !== 'approve_once' && answer !== 'approve_session') return deny(call.reason);
  const refused = grantApproval(context, call, asked, answer);
  if (refused !== undefined) {
    return deny(`${call.reason} Denied: the approval could not be written to the audit log.`);
  }
  return {
    kind: 'granted',
    params: onward,
    spend: () => {
      spendApproval(context, answer, call);
    },
  };
}

/** Why this answer grants nothing (audited), or undefined when it is an approval. */
function refusal(
  context: RelayContext,
  call: AskedCall,
  asked: { readonly via: 'input_required'; readonly id: string },
  issued: Issued,
  response: unknown,
): string | undefined {
  const note = (answer: Parameters<typeof auditApproval>[3], why: string): string => {
    auditApproval(context, call, asked, answer, `${call.reason} Denied: ${why}.`);
    return why;
  };
  const timeoutMs = context.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS;
  if (issued.expired || Date.now() > issued.expiresAt) {
    const why = `no answer within ${timeoutMs / 1000} s (--approval-timeout)`;
    return issued.expired ? why : note('timeout', why);
  }
  const answer = readAnswer(response);
  if (typeof answer === 'object') return note('error', answer.error);
  if (answer === 'deny') return note('deny', 'the user denied it');
  if (answer === 'decline') return note('decline', 'the user declined');
  if (answer === 'cancel') return note('cancel', 'the user cancelled the approval');
  return undefined;
}

/** An answer that belongs to no open approval: audited as a fault, the retry denied. */
function refuse(context: RelayContext, why: string): ApprovalResponses {
  context.auditor.fault({
    direction: 'to_server',
    fault: 'embedded_answer_refused',
    detail: why,
    action: 'denied',
  });
  return deny(`Denied: ${why}.`);
}

function deny(message: string): ApprovalResponses {
  return {
    kind: 'deny',
    decision: { allow: false, reasons: ['approval_required'], message },
  };
}
