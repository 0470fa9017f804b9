import type { FrameRecorder } from './frame-recorder.js';

/** A root the client hands out through `roots/list`. */
export interface Root {
  readonly uri: string;
  readonly name: string;
}

/** A server-to-client request as the client's handler saw it. */
export interface HandledRequest {
  readonly method: string;
  readonly params: unknown;
}

export interface CallOptions {
  readonly onprogress?: (progress: unknown) => void;
  readonly signal?: AbortSignal;
}

/** What a task-capable client reports from a streamed task call. */
export interface TaskRun {
  readonly messageTypes: string[];
  readonly statuses: string[];
  readonly result: unknown;
}

/**
 * The part of an MCP client the scenarios drive. The v1 and v2 SDK clients
 * are adapted to it, so one scenario runs unchanged over both.
 */
export interface ScenarioClient {
  readonly sdk: 'v1' | 'v2';
  readonly frames: FrameRecorder;
  /** Requests the server sent the client, in arrival order. */
  readonly handled: HandledRequest[];
  serverIdentity(): unknown;
  setRoots(roots: readonly Root[]): Promise<void>;
  ping(): Promise<unknown>;
  /** `server/discover` (2026-07-28); undefined for the v1 SDK. */
  readonly discover: (() => Promise<unknown>) | undefined;
  listTools(): Promise<unknown>;
  /** One `tools/list` page (v1 only: the v2 SDK aggregates when no cursor is given). */
  readonly listToolsPage?: (cursor: string | undefined) => Promise<unknown>;
  listPrompts(): Promise<unknown>;
  listResources(): Promise<unknown>;
  listResourceTemplates(): Promise<unknown>;
  callTool(name: string, args: Record<string, unknown>, options?: CallOptions): Promise<unknown>;
  getPrompt(name: string, args: Record<string, string>): Promise<unknown>;
  complete(params: Record<string, unknown>): Promise<unknown>;
  readResource(uri: string): Promise<unknown>;
  subscribe(uri: string): Promise<unknown>;
  unsubscribe(uri: string): Promise<unknown>;
  setLoggingLevel(level: 'debug' | 'info' | 'warning' | 'error'): Promise<unknown>;
  /** `subscriptions/listen` (2026-07-28); undefined for the v1 SDK. */
  readonly listen:
    | ((
        filter: Record<string, unknown>,
      ) => Promise<{ honoredFilter: unknown; close(): Promise<void> }>)
    | undefined;
  /** Undefined when the SDK has no task runtime (the v2 SDK dropped it). */
  readonly callToolAsTask:
    ((name: string, args: Record<string, unknown>) => Promise<TaskRun>) | undefined;
  /** Starts a task-augmented tool call, then lists, cancels and re-reads the task (v1 only). */
  readonly startListCancelTask:
    ((name: string, args: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined;
  stderr(): string;
  close(): Promise<void>;
}

/** Canned answers for server-to-client requests, identical for every route. */
export const cannedSampling = {
  role: 'assistant',
  content: { type: 'text', text: 'Canned sample from the e2e client.' },
  model: 'e2e-model',
  stopReason: 'endTurn',
} as const;

export const cannedElicitation = {
  action: 'accept',
  content: {
    name: 'Ada Lovelace',
    check: true,
    email: 'ada@example.com',
    integer: 7,
    interpretation: 'programming',
  },
} as const;

/** URL-mode elicitation has no form content: the user only consents to open the link. */
export const cannedUrlElicitation = { action: 'accept' } as const;

export const elicitationAnswer = (params: unknown) =>
  (params as { mode?: unknown }).mode === 'url' ? cannedUrlElicitation : cannedElicitation;

export const initialRoots: readonly Root[] = [{ uri: 'file:///tmp/e2e-root-a', name: 'Root A' }];
