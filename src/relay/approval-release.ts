import type { ApprovalAnswer } from '../audit/audit-record.js';
import type { JsonObject, JsonRpcId } from '../core/json-rpc.js';
import { buildMessageInput } from '../input/build-input.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import { approvalLedgerOf } from '../state/approval-ledger.js';
import { denyClientRequest } from './deny-reply.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';

/** A `tools/call` the policy wants approved, as the shim asked about it. */
export interface AskedCall {
  readonly id: JsonRpcId;
  readonly params: JsonObject;
  readonly access: NamespaceAccess;
  readonly tool: string;
  /** argumentsDigest of `params.arguments`: what an approve-once is for. */
  readonly digest: string;
  /** The policy's public reason for asking. */
  readonly reason: string;
  readonly askedAt: string;
}

export interface Asked {
  readonly via: 'elicitation/create' | 'input_required' | 'none';
  readonly id?: string;
}

/**
 * Records who was asked and what they answered. A grant that cannot be audited is no grant:
 * false, and the caller denies.
 */
export function auditApproval(
  context: RelayContext,
  call: AskedCall,
  asked: Asked,
  answer: ApprovalAnswer,
  detail: string,
): boolean {
  const granted = answer === 'approve_once' || answer === 'approve_session';
  const client = context.session.clientInfo;
  try {
    context.auditor.approval({
      tool: call.tool,
      request_id: call.id,
      asked: {
        principal: context.inputContext.principal.id,
        ...(client === undefined ? {} : { client }),
        via: asked.via,
        ...(asked.id === undefined ? {} : { id: asked.id }),
        at: call.askedAt,
      },
      answer,
      granted,
      ...(granted ? { scope: answer === 'approve_once' ? 'once' : 'session' } : {}),
      detail,
      answered_at: new Date().toISOString(),
    });
    return true;
  } catch (error) {
    context.logger.error({ err: error, tool: call.tool }, 'could not audit an approval');
    return false;
  }
}

/**
 * No approval: audited, the call is noted as answered by the shim and denied with the policy's
 * reason and why no approval came. Returns the reply line for the client.
 */
export function refuseApproval(
  context: RelayContext,
  call: AskedCall,
  asked: Asked,
  answer: ApprovalAnswer,
  why: string,
): string {
  auditApproval(context, call, asked, answer, `${call.reason} Denied: ${why}.`);
  context.logger.info({ tool: call.tool, answer }, 'approval not given');
  context.session.deniedByShim(call.id);
  return denyClientRequest(context, call.id, 'tools/call', call.params, {
    allow: false,
    reasons: ['approval_required'],
    message: `${call.reason} Denied: ${why}.`,
  });
}

/**
 * A human approved (once, or the tool for the session): the grant goes into the session's
 * ledger, so the policy sees `approval.granted`. Undefined when it is granted; else the reply
 * line that denies the call (the grant could not be audited).
 */
export function grantApproval(
  context: RelayContext,
  call: AskedCall,
  asked: Asked,
  answer: 'approve_once' | 'approve_session',
): string | undefined {
  if (!auditApproval(context, call, asked, answer, call.reason)) {
    context.session.deniedByShim(call.id);
    return denyClientRequest(context, call.id, 'tools/call', call.params, {
      allow: false,
      reasons: ['approval_required'],
      message: `${call.reason} Denied: the approval could not be written to the audit log.`,
    });
  }
  approvalLedgerOf(context.session).grant(
    call.tool,
    call.digest,
    answer === 'approve_once' ? 'once' : 'session',
    new Date().toISOString(),
  );
  return undefined;
}

/**
 * Legacy era, after a grant: the held call is judged again, by the policy in force now (it sees
 * the approval, and may have been reloaded while the human read the form) and, when it passes,
 * exactly the judged message goes to the server. When it does not, an approve-once given for it
 * is spent with it: it never lets a later call through unasked.
 */
export async function releaseApprovedCall(
  context: RelayContext,
  call: AskedCall,
  answer: 'approve_once' | 'approve_session',
): Promise<void> {
  const { session } = context;
  const message = {
    kind: 'request',
    id: call.id,
    method: 'tools/call',
    params: call.params,
  } as const;
  let verdict;
  let input;
  try {
    input = buildMessageInput('to_server', message, session, context.inputContext);
    verdict = judge(context, input);
  } catch (error) {
    spendApproval(context, answer, call);
    throw error;
  }
  if (!verdict.pass) {
    spendApproval(context, answer, call);
    session.deniedByShim(call.id);
    await context.toClient.send(
      denyClientRequest(context, call.id, 'tools/call', call.params, verdict.decision),
    );
    return;
  }
  useApproval(context, input.approval.scope, call.tool, call.digest);
  session.forwardedToServer(call.id, {
    method: 'tools/call',
    params: call.params,
    access: call.access,
  });
  await context.toServer.send(
    JSON.stringify({ jsonrpc: '2.0', id: call.id, method: 'tools/call', params: call.params }),
  );
}

/** The call an approve-once was given for ended without reaching the server: it is used up. */
export function spendApproval(
  context: RelayContext,
  answer: 'approve_once' | 'approve_session',
  call: AskedCall,
): void {
  if (answer === 'approve_once') approvalLedgerOf(context.session).useOnce(call.tool, call.digest);
}

/** A call forwarded on an approve-once uses it up. */
export function useApproval(
  context: RelayContext,
  scope: 'once' | 'session' | undefined,
  tool: string,
  digest: string,
): void {
  if (scope === 'once') approvalLedgerOf(context.session).useOnce(tool, digest);
}
