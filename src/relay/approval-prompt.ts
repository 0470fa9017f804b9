import type { JsonObject } from '../core/json-rpc.js';
import type { RelayContext } from './relay-context.js';

/**
 * The shim's own request ids (legacy `elicitation/create`) and `inputRequests` keys (2026-07-28).
 * A UUID after a prefix no peer uses: they cannot collide with the client's ids or the server's.
 */
export const APPROVAL_ID_PREFIX = 'mcp-opa-shim/approval/';

export function isShimApprovalId(id: unknown): id is string {
  return typeof id === 'string' && id.startsWith(APPROVAL_ID_PREFIX);
}

/** How long a call waits for a human by default (`--approval-timeout`). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 120_000;

/** The three answers a human can give; the form's one field takes exactly these. */
export const APPROVAL_CHOICES = ['approve_once', 'approve_session', 'deny'] as const;
export type ApprovalChoice = (typeof APPROVAL_CHOICES)[number];

/** The form's field: one answer, named so that no server form can be mistaken for it. */
export const DECISION_FIELD = 'decision';

/** Arguments are summarised, never shown whole: a form is read by a person, not parsed. */
const SUMMARY_LIMIT = 600;

/**
 * The form-mode `elicitation/create` params the shim sends in its own name: who asks (the shim,
 * not the server), the tool, a readable summary of its arguments with secret values replaced by
 * their markers, the policy's reason, and the three choices.
 */
export function approvalPrompt(
  context: RelayContext,
  tool: string,
  args: unknown,
  reason: string,
): JsonObject {
  const server = context.inputContext.server.id;
  const message = [
    `mcp-opa-shim, the policy gate in front of server \`${server}\` (this question is from the gate, not from the server), asks for your approval.`,
    `Tool: \`${tool}\``,
    `Arguments: ${summarise(context, args)}`,
    `Why: ${reason}`,
    'Approve this call once, approve the tool for the rest of this session, or deny it. The server sees the call only if you approve.',
  ].join('\n');
  return {
    message,
    requestedSchema: {
      type: 'object',
      properties: {
        [DECISION_FIELD]: {
          type: 'string',
          title: 'Your decision',
          description: `Approve or deny the call to \`${tool}\``,
          enum: [...APPROVAL_CHOICES],
          enumNames: ['Approve once', 'Approve for this session', 'Deny'],
        },
      },
      required: [DECISION_FIELD],
    },
  };
}

/** One line of JSON, secrets scrubbed, cut at SUMMARY_LIMIT characters. */
function summarise(context: RelayContext, args: unknown): string {
  const text = context.secrets.scrubJson(JSON.stringify(args ?? {}));
  return text.length > SUMMARY_LIMIT
    ? `${text.slice(0, SUMMARY_LIMIT)}… (${text.length - SUMMARY_LIMIT} more characters)`
    : text;
}

/** The human's answer in an elicitation result: a choice, or why there is none. */
export function readAnswer(
  result: unknown,
): ApprovalChoice | 'decline' | 'cancel' | { readonly error: string } {
  if (typeof result !== 'object' || result === null)
    return { error: 'the answer is not an object' };
  const { action, content } = result as { action?: unknown; content?: unknown };
  if (action === 'decline' || action === 'cancel') return action;
  if (action !== 'accept') return { error: `unknown action ${JSON.stringify(action)}` };
  const choice =
    typeof content === 'object' && content !== null
      ? (content as Record<string, unknown>)[DECISION_FIELD]
      : undefined;
  return (
    APPROVAL_CHOICES.find((known) => known === choice) ?? {
      error: `accepted without a valid \`${DECISION_FIELD}\` (${choice === undefined ? 'none' : JSON.stringify(choice)})`,
    }
  );
}
