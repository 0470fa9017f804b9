import { errorReply } from '../messages/build-replies.js';
import {
  ErrorCodes,
  isJsonObject,
  type ClassifiedMessage,
  type JsonObject,
} from '../core/json-rpc.js';
import { ledgerOf } from '../session/task-ledger.js';
import type { RelayContext } from './relay-context.js';

const INPUT_REQUESTS = 'inputRequests';
const TASK_STATUS = 'notifications/tasks/status';

/**
 * Bytes that may hide an embedded request or a task message: the key spelled out, any `\u`
 * escape (which could spell it), or a task method. Such frames take the slow path, where the
 * decoded value is checked; the rest are forwarded unread.
 */
const MARKERS = [INPUT_REQUESTS, '\\u', 'tasks/'].map((marker) => Buffer.from(marker));

export function mayCarryEmbedded(frame: Buffer): boolean {
  return MARKERS.some((marker) => frame.includes(marker));
}

/**
 * Where a key named `name` sits in `value`, as a JSON pointer, skipping only the member of
 * `allowedParent` (the one place the protocol puts it); undefined when there is none. Walks the
 * decoded value, so an escaped spelling of the key is found too.
 */
export function findStrayKey(
  value: unknown,
  name: string,
  allowedParent?: JsonObject,
): string | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value: current, path: base } = next;
    if (Array.isArray(current)) {
      current.forEach((item: unknown, index) =>
        stack.push({ value: item, path: `${base}/${index}` }),
      );
      continue;
    }
    if (!isJsonObject(current)) continue;
    for (const [key, member] of Object.entries(current)) {
      const path = `${base}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
      if (key === name && current !== allowedParent) return path;
      stack.push({ value: member, path });
    }
  }
  return undefined;
}

/** Audits a server message refused for a stray embedded request; returns the detail. */
export function refuseStray(
  context: RelayContext,
  where: string,
  path: string,
  action: 'denied' | 'dropped',
): string {
  const detail = `the server's ${where} carries \`${INPUT_REQUESTS}\` at ${path || '/'}; embedded requests are relayed only as \`result.inputRequests\` of an \`input_required\` result or of a known task's \`tasks/get\` result, where each is judged`;
  context.auditor.fault({
    direction: 'to_client',
    fault: 'embedded_request_refused',
    detail,
    action,
  });
  return detail;
}

/**
 * A server request's params never carry embedded requests: refused (the server gets an error
 * naming why), since a client could act on them without the policy having seen them.
 */
export function strayInServerRequest(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'request' }>,
): string | undefined {
  const path = findStrayKey(message.params, INPUT_REQUESTS);
  if (path === undefined) return undefined;
  const detail = refuseStray(context, `${message.method} request`, `/params${path}`, 'denied');
  return errorReply(message.id, ErrorCodes.invalidRequest, `Invalid Request: ${detail}`);
}

/**
 * True when a server notification must be dropped: it carries embedded requests (a task status
 * push may; the client then polls `tasks/get`, which is judged), or it reports on a task the shim
 * never saw created (a denied tool's task, or one the server made up).
 */
export function dropServerNotification(
  context: RelayContext,
  message: Extract<ClassifiedMessage, { kind: 'notification' }>,
): boolean {
  const path = findStrayKey(message.params, INPUT_REQUESTS);
  if (path !== undefined) {
    refuseStray(context, `${message.method} notification`, `/params${path}`, 'dropped');
    return true;
  }
  if (message.method !== TASK_STATUS) return false;
  const taskId = message.params?.taskId;
  if (typeof taskId === 'string' && ledgerOf(context.session).task(taskId) !== undefined) {
    return false;
  }
  context.auditor.fault({
    direction: 'to_client',
    fault: 'unknown_task',
    detail: `${TASK_STATUS} for task ${JSON.stringify(taskId)}, which no request relayed by the shim created`,
    action: 'dropped',
  });
  return true;
}
