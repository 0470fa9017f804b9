import { randomUUID } from 'node:crypto';
import type { Decision } from '../core/decision.js';
import { isJsonObject, type JsonObject, type JsonRpcId } from '../core/json-rpc.js';
import { resultReply } from '../messages/build-replies.js';
import type { NamespaceAccess } from '../session/namespace-gate.js';
import { argumentsDigest } from '../state/approval-ledger.js';
import { publicReason } from './deny-reply.js';
import { holdForApproval } from './approval-gate.js';
import { APPROVAL_ID_PREFIX, approvalPrompt } from './approval-prompt.js';
import { issueApprovalKey } from './approval-keys.js';
import { refuseApproval, type AskedCall } from './approval-release.js';
import { DROP, type Outcome } from './outcome.js';
import type { RelayContext } from './relay-context.js';

/**
 * A denial the shim turns into a question: the policy asked for approval (`approval_required`)
 * and for nothing else, so a human's yes would let the call through.
 */
export function wantsApproval(method: string, decision: Decision): boolean {
  return (
    method === 'tools/call' &&
    decision.error === undefined &&
    decision.obligations?.approval_required === true &&
    decision.reasons.length > 0 &&
    decision.reasons.every((reason) => reason === 'approval_required')
  );
}

/**
 * Asks the human instead of denying. Legacy era: the shim sends its own `elicitation/create` to
 * the client and holds the call (nothing goes on now; the answer releases or denies it).
 * 2026-07-28: the call is answered with an `input_required` result carrying the same form; the
 * client's retry brings the answer (approval-keys.ts). Without the elicitation capability
 * (form mode) no one can be asked: denied, saying so.
 */
export function askForApproval(
  context: RelayContext,
  id: JsonRpcId,
  params: JsonObject,
  access: NamespaceAccess,
  decision: Decision,
): Outcome {
  const tool = typeof params.name === 'string' ? params.name : '';
  const call: AskedCall = {
    id,
    params,
    access,
    tool,
    digest: argumentsDigest(params.arguments ?? {}),
    reason: publicReason(decision),
    askedAt: new Date().toISOString(),
  };
  if (!canElicitForm(context.session.clientCapabilities)) {
    return {
      reply: refuseApproval(
        context,
        call,
        { via: 'none' },
        'no_capability',
        'the client did not declare the elicitation capability (form mode), so no one could be asked',
      ),
    };
  }
  const shimId = `${APPROVAL_ID_PREFIX}${randomUUID()}`;
  const prompt = approvalPrompt(context, tool, params.arguments, call.reason);
  if (context.session.era === 'modern') {
    issueApprovalKey(context, shimId, call);
    return {
      reply: resultReply(id, {
        resultType: 'input_required',
        inputRequests: { [shimId]: { method: 'elicitation/create', params: prompt } },
      }),
    };
  }
  holdForApproval(context, shimId, call);
  void context.toClient.send(
    JSON.stringify({ jsonrpc: '2.0', id: shimId, method: 'elicitation/create', params: prompt }),
  );
  return DROP;
}

/** `elicitation: {}` (2025-06-18: form only) or one that names `form`; `url` alone cannot ask. */
function canElicitForm(capabilities: JsonObject | undefined): boolean {
  const elicitation = capabilities?.elicitation;
  if (!isJsonObject(elicitation)) return false;
  return Object.keys(elicitation).length === 0 || 'form' in elicitation;
}
