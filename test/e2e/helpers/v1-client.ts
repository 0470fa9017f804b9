import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTaskStore } from '@modelcontextprotocol/sdk/experimental/tasks';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { FrameRecorder } from './frame-recorder.js';
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
    handled.push({ method: request.method, params: request.params });
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
    handled.push({ method: request.method, params: request.params });
    return elicitationAnswer(request.params);
  });
  client.setRequestHandler(ListRootsRequestSchema, (request) => {
    handled.push({ method: request.method, params: request.params });
    return { roots: [...roots] };
  });

  const transport = new StdioClientTransport({ ...spec, stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const frames = new FrameRecorder();
  frames.observe(transport);
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
    ping: () => client.ping(),
    discover: undefined,
    listen: undefined,
    listTools: () => client.listTools(),
    listToolsPage: (cursor) => client.listTools(cursor === undefined ? {} : { cursor }),
    listPrompts: () => client.listPrompts(),
    listResources: () => client.listResources(),
    listResourceTemplates: () => client.listResourceTemplates(),
    callTool: (name, args, options: CallOptions = {}) =>
      client.callTool({ name, arguments: args }, CallToolResultSchema, {
        ...(options.onprogress === undefined ? {} : { onprogress: options.onprogress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    getPrompt: (name, args) => client.getPrompt({ name, arguments: args }),
    complete: (params) => client.complete(params as never),
    readResource: (uri) => client.readResource({ uri }),
    subscribe: (uri) => client.subscribeResource({ uri }),
    unsubscribe: (uri) => client.unsubscribeResource({ uri }),
    setLoggingLevel: (level) => client.setLoggingLevel(level),
    callToolAsTask,
    startListCancelTask,
    stderr: () => stderr,
    close: async () => {
      // The task store's TTL timers would otherwise keep the test process alive.
      taskStore.cleanup();
      await client.close();
    },
  };
}
