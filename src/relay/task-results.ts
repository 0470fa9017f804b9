import { buildMessageInput } from '../input/build-input.js';
import { isJsonObject, type JsonObject, type JsonRpcId } from '../core/json-rpc.js';
import type { Decision } from '../core/decision.js';
import type { PendingRequest } from '../session/session.js';
import { ledgerOf, type TaskOrigin } from '../session/task-ledger.js';
import { judge } from './judge.js';
import type { RelayContext } from './relay-context.js';

/** Methods about an existing task, by the task id in their params. */
export const TASK_METHODS: ReadonlySet<string> = new Set([
  'tasks/get',
  'tasks/result',
  'tasks/cancel',
  'tasks/update',
]);

/**
 * A result that hands back a task instead of the answer: 2025-11-25 `{task: {taskId}}`, or the
 * 2026 extension's `{resultType: "task", taskId}`. The task is recorded with the request that
 * created it, so its later results are that request's results and nothing else's.
 */
export function recordCreatedTask(
  context: RelayContext,
  pending: PendingRequest,
  result: JsonObject,
): void {
  if (pending.method.startsWith('tasks/')) return;
  const task = isJsonObject(result.task) ? result.task : undefined;
  const taskId =
    typeof task?.taskId === 'string'
      ? task.taskId
      : result.resultType === 'task' && typeof result.taskId === 'string'
        ? result.taskId
        : undefined;
  if (taskId === undefined) return;
  ledgerOf(context.session).taskCreated(taskId, { method: pending.method, params: pending.params });
}

/**
 * `tasks/list` shows only tasks created through the shim: a task the shim never saw created (a
 * denied tool's, or one the server made up) is not advertised, just as the client could not poll it.
 * Returns the new result, or undefined when nothing was removed.
 */
export function filterTaskList(context: RelayContext, result: JsonObject): JsonObject | undefined {
  if (!Array.isArray(result.tasks)) return undefined;
  const ledger = ledgerOf(context.session);
  const known = result.tasks.filter(
    (task: unknown) =>
      isJsonObject(task) &&
      typeof task.taskId === 'string' &&
      ledger.task(task.taskId) !== undefined,
  );
  if (known.length === result.tasks.length) return undefined;
  context.auditor.fault({
    direction: 'to_client',
    fault: 'unknown_task',
    detail: `tasks/list named ${result.tasks.length - known.length} task(s) that no request relayed by the shim created`,
    action: 'filtered',
  });
  return { ...result, tasks: known };
}

/**
 * Client-side tasks (2025-11-25): the server sends a request with `params.task`, the client answers
 * with a task, and the server later fetches the real answer with `tasks/result`. That answer is
 * judged as the answer to the request that created the task. Returns the method a client answer
 * is judged as, or undefined when it answers `tasks/result` for a task the shim never saw created.
 */
export function answeredMethod(context: RelayContext, pending: PendingRequest): string | undefined {
  if (pending.method !== 'tasks/result') return pending.method;
  const taskId = pending.params?.taskId;
  return typeof taskId === 'string' ? ledgerOf(context.session).clientTask(taskId) : undefined;
}

/** Notes a task the client created in answer to a server request (see answeredMethod). */
export function recordClientTask(
  context: RelayContext,
  pending: PendingRequest,
  result: JsonObject,
): void {
  if (pending.method.startsWith('tasks/') || !isJsonObject(result.task)) return;
  const { taskId } = result.task;
  if (typeof taskId === 'string')
    ledgerOf(context.session).clientTaskCreated(taskId, pending.method);
}

/**
 * Delivering a task's outcome (its result, or the input it asked for) is judged again as the
 * request that created the task: the policy may have changed since, and a call it now denies
 * must not have its result relayed. The decision, or undefined when it passes.
 */
export function judgeTaskOrigin(
  context: RelayContext,
  id: JsonRpcId,
  origin: TaskOrigin,
): Decision | undefined {
  const input = buildMessageInput(
    'to_server',
    { kind: 'request', id, method: origin.method, params: origin.params },
    context.session,
    context.inputContext,
  );
  const verdict = judge(context, input);
  return verdict.pass ? undefined : verdict.decision;
}

/**
 * A 2026 task delivers its outcome in a `tasks/get` result (`result` or `error`): that delivery is
 * judged like `tasks/result` (see judgeTaskOrigin). The decision, or undefined when it passes.
 */
export function judgePolledOutcome(
  context: RelayContext,
  id: JsonRpcId,
  pending: PendingRequest,
  result: JsonObject,
): Decision | undefined {
  if (pending.method !== 'tasks/get' || !('result' in result || 'error' in result))
    return undefined;
  const taskId = pending.params?.taskId;
  const origin = typeof taskId === 'string' ? ledgerOf(context.session).task(taskId) : undefined;
  if (origin === undefined) {
    // Only a known task's tasks/get is relayed, but the ledger may have forgotten it since.
    const why = `tasks/get result for task ${JSON.stringify(taskId)}, which the shim no longer knows`;
    context.auditor.fault({
      direction: 'to_client',
      fault: 'unknown_task',
      detail: why,
      action: 'denied',
    });
    return { allow: false, reasons: [why], message: `Denied: ${why}.` };
  }
  return judgeTaskOrigin(context, id, origin);
}
