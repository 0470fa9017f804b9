import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildListingInput,
  buildMessageInput,
  buildResponseInput,
} from '../../../src/input/build-input.js';
import { createInputContext, type InputContext } from '../../../src/input/input-context.js';
import type { PolicyInput } from '../../../src/core/policy-input.js';
import type { SessionView } from '../../../src/session/session.js';
import { ToolCatalog } from '../../../src/session/tool-catalog.js';
import { tempDir, testConfig } from './input-fixtures.js';

/** Where the examples pretend the files live; the real temp directory is replaced by it. */
const SHOWN_BASE = '/home/alice/work';

export interface DocExamples {
  /** Example name → the input as the doc shows it. */
  readonly examples: ReadonlyMap<string, unknown>;
}

/** The fields that differ per message; the rest is the same for every input of a session. */
const MESSAGE_FIELDS = [
  'direction',
  'message',
  'operation',
  'arguments',
  'arguments_omitted',
  'paths',
] as const;

function session(): SessionView {
  const catalog = new ToolCatalog();
  catalog.observe({
    name: 'write_file',
    description: 'Create a new file or completely overwrite an existing file with new content.',
    annotations: {
      title: 'Write file',
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    },
  });
  catalog.observe({
    name: 'read_text_file',
    description: 'Read a text file.',
    annotations: { readOnlyHint: true },
  });
  return {
    id: '0b7c1f9e-5d2a-4c3e-9a61-2f4d8e7b1c05',
    startedAt: '2026-11-21T09:00:00.000Z',
    era: 'legacy',
    clientInfo: { name: 'claude-code', version: '2.1.0' },
    clientCapabilities: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {} } },
    protocolVersion: '2025-11-25',
    serverInfo: { name: 'secure-filesystem-server', version: '0.2.0' },
    counts: { 'tool:read_text_file': 2, 'tool:write_file': 1, resource: 1 },
    recent: [
      { type: 'tool', name: 'read_text_file', allow: true },
      { type: 'tool', name: 'read_text_file', allow: false },
    ],
    catalog,
  };
}

function context(root: string): InputContext {
  const config = testConfig({
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem', root],
    serverId: 'filesystem',
    principal: {
      id: 'alice',
      roles: ['developer'],
      attributes: { team: 'platform', tier: 'developer' },
    },
    roots: [root],
    // The examples read relative paths against the project, as `--path-base` says (the test's
    // working directory, the server's other guessed base, is elsewhere).
    pathBases: [root],
  });
  return createInputContext(config, ['GITHUB_TOKEN', 'HOME', 'LANG', 'PATH']);
}

function pick(input: PolicyInput): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const field of MESSAGE_FIELDS) if (input[field] !== undefined) picked[field] = input[field];
  return picked;
}

/** Builds every documented example with the real builder, in a scratch directory. */
export function buildDocExamples(): DocExamples {
  const base = tempDir('mcp-opa-shim-doc-');
  const root = path.join(base, 'project');
  mkdirSync(path.join(root, 'notes'), { recursive: true });
  writeFileSync(path.join(root, 'notes', 'todo.md'), '- ship v1\n');
  const ctx = context(root);
  const view = session();
  const request = (
    direction: 'to_server' | 'to_client',
    id: number,
    method: string,
    params?: Record<string, unknown>,
  ) => buildMessageInput(direction, { kind: 'request', id, method, params }, view, ctx);
  const notification = (method: string, params?: Record<string, unknown>) =>
    buildMessageInput('to_server', { kind: 'notification', method, params }, view, ctx);
  const fileUri = (relative: string) => pathToFileURL(path.join(root, relative)).href;

  const full = request('to_server', 12, 'tools/call', {
    name: 'write_file',
    arguments: { path: 'notes/todo.md', content: '- ship v1\n- write docs\n' },
    _meta: { progressToken: 12 },
  });
  const partial: [string, PolicyInput][] = [
    [
      'tool-outside-roots',
      request('to_server', 13, 'tools/call', {
        name: 'read_text_file',
        arguments: { path: '../.ssh/id_rsa' },
      }),
    ],
    ['tool-list', request('to_server', 2, 'tools/list', {})],
    [
      'tool-listing',
      buildListingInput(
        'tools/list',
        {
          name: 'read_text_file',
          description: 'Read a text file.',
          annotations: { readOnlyHint: true },
          inputSchema: { type: 'object' },
        },
        view,
        ctx,
      ),
    ],
    ['resource', request('to_server', 14, 'resources/read', { uri: fileUri('notes/todo.md') })],
    [
      'prompt',
      request('to_server', 15, 'prompts/get', {
        name: 'code_review',
        arguments: { language: 'typescript' },
      }),
    ],
    [
      'completion',
      request('to_server', 16, 'completion/complete', {
        ref: { type: 'ref/prompt', name: 'code_review' },
        argument: { name: 'language', value: 'ty' },
      }),
    ],
    ['logging', request('to_server', 17, 'logging/setLevel', { level: 'debug' })],
    [
      'sampling',
      request('to_client', 3, 'sampling/createMessage', {
        messages: [{ role: 'user', content: { type: 'text', text: 'Summarise the diff.' } }],
        systemPrompt: 'You are a terse reviewer.',
        maxTokens: 400,
        includeContext: 'none',
        modelPreferences: { hints: [{ name: 'claude-sonnet' }], intelligencePriority: 0.8 },
      }),
    ],
    [
      'elicitation-form',
      request('to_client', 4, 'elicitation/create', {
        message: 'Connect to the registry',
        requestedSchema: {
          type: 'object',
          properties: {
            username: { type: 'string', title: 'User name' },
            token: { type: 'string', title: 'Access token' },
          },
          required: ['username', 'token'],
        },
      }),
    ],
    [
      'elicitation-url',
      request('to_client', 5, 'elicitation/create', {
        mode: 'url',
        message: 'Authorise the app',
        elicitationId: 'el-1',
        url: 'https://auth.example.com/oauth/start?state=x',
      }),
    ],
    ['roots', request('to_client', 6, 'roots/list')],
    [
      'roots-answer',
      buildResponseInput(
        'roots/list',
        6,
        {
          roots: [
            { uri: fileUri(''), name: 'project' },
            { uri: pathToFileURL(base).href, name: 'work' },
          ],
        },
        view,
        ctx,
      ),
    ],
    ['task', request('to_server', 18, 'tasks/get', { taskId: 'task-42' })],
    [
      'subscription',
      request('to_server', 19, 'subscriptions/listen', {
        notifications: {
          resourcesListChanged: true,
          resourceSubscriptions: [fileUri('notes/todo.md'), 'test://static/1'],
        },
      }),
    ],
    [
      'notification',
      notification('notifications/cancelled', { requestId: 13, reason: 'user aborted' }),
    ],
    [
      'lifecycle',
      request('to_server', 1, 'initialize', {
        protocolVersion: '2025-11-25',
        capabilities: { roots: { listChanged: true } },
        clientInfo: { name: 'claude-code', version: '2.1.0' },
      }),
    ],
    ['ping', request('to_client', 7, 'ping')],
    [
      'other',
      request('to_server', 20, 'vendor/reindex', { collection: 'docs', _meta: { trace: 'abc' } }),
    ],
  ];
  const examples = new Map<string, unknown>([
    ['tool-full', full],
    ...partial.map(([name, input]) => [name, pick(input)] as const),
  ]);
  const shown = new Map<string, unknown>();
  for (const [name, value] of examples) {
    shown.set(name, JSON.parse(JSON.stringify(value).replaceAll(base, SHOWN_BASE)) as unknown);
  }
  rmSync(base, { recursive: true, force: true });
  return { examples: shown };
}
