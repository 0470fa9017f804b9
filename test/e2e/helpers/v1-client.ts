import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { LaunchSpec } from './launch.js';
import {
  elicitationAnswer,
  cannedSampling,
  initialRoots,
  type CallOptions,
  type HandledRequest,
  type Root,
  type ScenarioClient,
  type TaskRun,
} from './scenario-client.js';
import { commonCalls, noteRequest, requestOptions, watchTransport } from './sdk-plumbing.js';

/** Launches `spec` and connects a v1 SDK client (`@modelcontextprotocol/sdk`) with full client handlers. */
export async function connectV1(spec: LaunchSpec): Promise<ScenarioClient> {
  const handled: HandledRequest[] = [];
  let roots: readonly Root[] = initialRoots;
  const taskStore = new InMemoryTaskStore();
  const client = new Client(
    { name: 'e2e-v1-client', version: '1.0.0' },
    {
      capabilities: {
        sampling: {},
        elicitation: { form: {}, url: {} },
        roots: { listChanged: true },
        tasks: { requests: { sampling: { createMessage: {} }, elicitation: { create: {} } } },
      },
      taskStore,
    },
  );
  client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
    noteRequest(handled, request);
    if (request.params.task === undefined || extra.taskStore === undefined) return cannedSampling;
    // Task-augmented: answer with a task now, complete it shortly after.
    const store = extra.taskStore;
    const task = await store.createTask({
      ttl: request.params.task.ttl ?? 60_000,
      pollInterval: 200,
    });
    setTimeout(() => void store.storeTaskResult(task.taskId, 'completed', cannedSampling), 100);
    return { task };
  });
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    noteRequest(handled, request);
    return elicitationAnswer(request.params);
  });
  client.setRequestHandler(ListRootsRequestSchema, (request) => {
    noteRequest(handled, request);
    return { roots: [...roots] };
  });

  const transport = new StdioClientTransport({ ...spec, stderr: 'pipe' });
  const { frames, stderr } = watchTransport(transport);
  await client.connect(transport);

  const callToolAsTask = async (name: string, args: Record<string, unknown>): Promise<TaskRun> => {
    const run: { messageTypes: string[]; statuses: string[]; result: unknown } = {
      messageTypes: [],
      statuses: [],
      result: undefined,
    };
    const stream = client.experimental.tasks.callToolStream(
      { name, arguments: args },
      CallToolResultSchema,
      { task: { ttl: 60_000 } },
    );
    for await (const message of stream) {
      if (run.messageTypes.at(-1) !== message.type) run.messageTypes.push(message.type);
      if (message.type === 'taskStatus' || message.type === 'taskCreated') {
        if (run.statuses.at(-1) !== message.task.status) run.statuses.push(message.task.status);
      }
      if (message.type === 'result') run.result = message.result;
      if (message.type === 'error') run.result = { error: message.error.message };
    }
    return run;
  };

  const startListCancelTask = async (name: string, args: Record<string, unknown>) => {
    const tasks = client.experimental.tasks;
    const stream = tasks.callToolStream({ name, arguments: args }, CallToolResultSchema, {
      task: { ttl: 60_000 },
    });
    const first = await stream.next();
    await stream.return(undefined); // stop following it: the task is managed by hand below
    if (first.done === true || first.value.type !== 'taskCreated') {
      return { unexpectedFirstMessage: first.value };
    }
    const taskId = first.value.task.taskId;
    const listed = await tasks.listTasks();
    const cancelled = await tasks.cancelTask(taskId);
    const afterwards = await tasks.getTask(taskId);
    return { created: first.value.task, listed, cancelled, afterwards };
  };

  return {
    sdk: 'v1',
    frames,
    handled,
    serverIdentity: () => ({
      serverVersion: client.getServerVersion(),
      capabilities: client.getServerCapabilities(),
      instructions: client.getInstructions(),
    }),
    setRoots: async (next) => {
      roots = next;
      await client.sendRootsListChanged();
    },
    ...commonCalls(client),
    discover: undefined,
    listen: undefined,
    listToolsPage: (cursor) => client.listTools(cursor === undefined ? {} : { cursor }),
    callTool: (name, args, options: CallOptions = {}) =>
      client.callTool({ name, arguments: args }, CallToolResultSchema, requestOptions(options)),
    setLoggingLevel: (level) => client.setLoggingLevel(level),
    callToolAsTask,
    startListCancelTask,
    stderr,
    close: async () => {
      // The task store's TTL timers would otherwise keep the test process alive.
      taskStore.cleanup();
      await client.close();
    },
  };
}
