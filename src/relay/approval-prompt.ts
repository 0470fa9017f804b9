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

/** How much of a client's own text (an error message) a denial quotes. */
const QUOTED_LIMIT = 200;

/** A client's error object in words, its message quoted and cut short. */
export function clientErrorText(error: {
  readonly code?: unknown;
  readonly message?: unknown;
}): string {
  const code = typeof error.code === 'number' ? ` ${String(error.code)}` : '';
  const text = typeof error.message === 'string' ? error.message : '';
  const quoted = JSON.stringify(
    text.length > QUOTED_LIMIT ? `${text.slice(0, QUOTED_LIMIT)}…` : text,
  );
  return `the client answered with an error${code} (${quoted}) instead of a decision, so no one approved it`;
}

/**
 * The human's answer in an elicitation result: a choice, or why there is none. A client whose
 * own handler failed may put an error where the result belongs (a JSON-RPC error object, bare or
 * under `error`): that is an error answer, said as such.
 */
export function readAnswer(
  result: unknown,
): ApprovalChoice | 'decline' | 'cancel' | { readonly error: string } {
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    const got = result === null ? 'null' : Array.isArray(result) ? 'an array' : typeof result;
    return { error: `the answer is not an elicitation result (an object) but ${got}` };
  }
  const { action, content, error } = result as {
    action?: unknown;
    content?: unknown;
    error?: unknown;
  };
  if (action === undefined && typeof error === 'object' && error !== null) {
    return { error: clientErrorText(error) };
  }
  if (action === undefined && 'code' in result && 'message' in result) {
    return { error: clientErrorText(result) };
  }
  if (action === 'decline' || action === 'cancel') return action;
  if (action !== 'accept') {
    return {
      error: `the answer's \`action\` is ${action === undefined ? 'missing' : JSON.stringify(action)}, not accept, decline or cancel`,
    };
  }
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
