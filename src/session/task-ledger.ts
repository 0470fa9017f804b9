import type { JsonObject } from '../core/json-rpc.js';
import type { Session } from './session.js';

/** The client request that created a task: its results are that request's results. */
export interface TaskOrigin {
  readonly method: string;
  readonly params: JsonObject | undefined;
}

/**
 * How many tasks and input rounds a session remembers: a long session must not grow without
 * bound. A forgotten task is unknown, so requests about it are refused (never relayed unjudged).
 */
export const LEDGER_LIMIT = 1024;

/**
 * What the shim relayed that later messages refer back to: the tasks created through it (by
 * task id) and the embedded input requests it let through, per "round" (the request or task the
 * server asked them for). Answers and task requests are checked against it; anything it does not
 * hold is unknown, and unknown means deny.
 */
export class TaskLedger {
  private readonly tasks = new Map<string, TaskOrigin>();
  /** Client-side tasks (a server request the client ran as a task) → that request's method. */
  private readonly clientTasks = new Map<string, string>();
  /** Round → input-request key → the embedded request's method. */
  private readonly rounds = new Map<string, ReadonlyMap<string, string>>();

  taskCreated(taskId: string, origin: TaskOrigin): void {
    remember(this.tasks, taskId, origin);
  }

  task(taskId: string): TaskOrigin | undefined {
    return this.tasks.get(taskId);
  }

  clientTaskCreated(taskId: string, method: string): void {
    remember(this.clientTasks, taskId, method);
  }

  clientTask(taskId: string): string | undefined {
    return this.clientTasks.get(taskId);
  }

  /** A new `input_required` replaces the round's keys: only the latest requests may be answered. */
  inputRequested(round: string, keys: ReadonlyMap<string, string>): void {
    remember(this.rounds, round, keys);
  }

  inputRequestMethod(round: string, key: string): string | undefined {
    return this.rounds.get(round)?.get(key);
  }
}

function remember<V>(entries: Map<string, V>, key: string, value: V): void {
  entries.delete(key);
  entries.set(key, value);
  if (entries.size <= LEDGER_LIMIT) return;
  const oldest = entries.keys().next();
  if (oldest.done !== true) entries.delete(oldest.value);
}

/**
 * One ledger per session, kept beside it rather than in it so the session's own state (owned by
 * the id and barrier logic) stays as it is.
 */
const ledgers = new WeakMap<Session, TaskLedger>();

export function ledgerOf(session: Session): TaskLedger {
  let ledger = ledgers.get(session);
  if (ledger === undefined) {
    ledger = new TaskLedger();
    ledgers.set(session, ledger);
  }
  return ledger;
}

/**
 * The round an `input_required` result or a retry belongs to: the same method on the same
 * target (tool or prompt name, resource URI), or the task for `tasks/update` and `tasks/get`.
 */
export function roundOf(method: string, params: JsonObject | undefined): string {
  if (method === 'tasks/get' || method === 'tasks/update') {
    return `task\0${typeof params?.taskId === 'string' ? params.taskId : ''}`;
  }
  const target = params?.name ?? params?.uri;
  return `call\0${method}\0${typeof target === 'string' ? target : ''}`;
}
