import { describe, expect, it } from 'vitest';
import { buildMessageInput } from '../../src/input/build-input.js';
import type { Direction, OperationType } from '../../src/core/policy-input.js';
import type { JsonObject } from '../../src/core/json-rpc.js';
import { initializedSession, testContext } from './helpers/input-fixtures.js';

const context = testContext();

function operationOf(method: string, params?: JsonObject, direction: Direction = 'to_server') {
  return buildMessageInput(
    direction,
    { kind: 'request', id: 7, method, params },
    initializedSession(),
    context,
  ).operation;
}

describe('operation mapping', () => {
  const table: [
    method: string,
    params: JsonObject | undefined,
    type: OperationType,
    name: string | undefined,
  ][] = [
    ['tools/call', { name: 'write_file', arguments: {} }, 'tool', 'write_file'],
    ['resources/read', { uri: 'https://example.com/a' }, 'resource', 'https://example.com/a'],
    ['resources/subscribe', { uri: 'test://static/1' }, 'resource', 'test://static/1'],
    ['resources/unsubscribe', { uri: 'test://static/1' }, 'resource', 'test://static/1'],
    ['prompts/get', { name: 'simple_prompt' }, 'prompt', 'simple_prompt'],
    [
      'completion/complete',
      { ref: { type: 'ref/prompt', name: 'complex_prompt' }, argument: { name: 'a', value: 'x' } },
      'completion',
      'complex_prompt',
    ],
    [
      'completion/complete',
      {
        ref: { type: 'ref/resource', uri: 'test://static/{id}' },
        argument: { name: 'id', value: '1' },
      },
      'completion',
      'test://static/{id}',
    ],
    ['logging/setLevel', { level: 'debug' }, 'logging', 'logging/setLevel'],
    [
      'sampling/createMessage',
      { messages: [], maxTokens: 10 },
      'sampling',
      'sampling/createMessage',
    ],
    [
      'elicitation/create',
      { message: 'm', requestedSchema: { type: 'object', properties: {} } },
      'elicitation',
      'elicitation/create',
    ],
    ['roots/list', undefined, 'roots', 'roots/list'],
    ['tasks/get', { taskId: 't1' }, 'task', 'tasks/get'],
    ['tasks/result', { taskId: 't1' }, 'task', 'tasks/result'],
    ['tasks/cancel', { taskId: 't1' }, 'task', 'tasks/cancel'],
    ['tasks/list', undefined, 'task', 'tasks/list'],
    [
      'initialize',
      { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'c', version: '1' } },
      'lifecycle',
      'initialize',
    ],
    ['notifications/initialized', undefined, 'lifecycle', 'notifications/initialized'],
    ['server/discover', undefined, 'lifecycle', 'server/discover'],
    ['ping', undefined, 'ping', 'ping'],
    [
      'subscriptions/listen',
      { resources: ['test://static/1'] },
      'subscription',
      'subscriptions/listen',
    ],
    ['notifications/cancelled', { requestId: 3 }, 'notification', 'notifications/cancelled'],
    [
      'notifications/roots/list_changed',
      undefined,
      'notification',
      'notifications/roots/list_changed',
    ],
    ['vendor/custom', { a: 1 }, 'other', 'vendor/custom'],
    ['constructor', undefined, 'other', 'constructor'],
    ['__proto__', undefined, 'other', '__proto__'],
  ];
  it.each(table)('maps %s to its operation type and name', (method, params, type, name) => {
    const operation = operationOf(method, params);
    expect(operation.type).toBe(type);
    expect(operation.name).toBe(name);
    expect(operation.listing).toBe(false);
  });

  it.each([
    ['tools/list', 'tool'],
    ['prompts/list', 'prompt'],
    ['resources/list', 'resource'],
    ['resources/templates/list', 'resource'],
  ] as const)('treats a %s request as discovery of %s items, without a name', (method, type) => {
    expect(operationOf(method, { cursor: 'c2' })).toEqual({ type, listing: false });
  });
});

describe('tool operations', () => {
  it('carries the annotations and description digest of a tool the catalog saw', () => {
    const session = initializedSession();
    const entry = session.catalog.get('write_file');
    const operation = buildMessageInput(
      'to_server',
      { kind: 'request', id: 1, method: 'tools/call', params: { name: 'write_file' } },
      session,
      context,
    ).operation;
    expect(operation.listed).toBe(true);
    expect(operation.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(operation.description_sha256).toBe(entry?.descriptionSha256);
    expect(operation.description_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('marks a tool the server never listed, with no annotations to trust', () => {
    const operation = operationOf('tools/call', { name: 'never_listed', arguments: {} });
    expect(operation).toEqual({
      type: 'tool',
      name: 'never_listed',
      listing: false,
      listed: false,
    });
  });

  it('does not take annotations from the call itself', () => {
    const operation = operationOf('tools/call', {
      name: 'never_listed',
      annotations: { readOnlyHint: true },
    });
    expect(operation.annotations).toBeUndefined();
  });
});

describe('sampling details', () => {
  const params = {
    messages: [
      { role: 'user', content: { type: 'text', text: 'CONVERSATION-TEXT' } },
      { role: 'assistant', content: { type: 'text', text: 'more' } },
    ],
    systemPrompt: 'SYSTEM-PROMPT-TEXT',
    maxTokens: 256,
    includeContext: 'thisServer',
    temperature: 0.2,
    modelPreferences: { hints: [{ name: 'claude-3-sonnet' }, {}], costPriority: 0.3 },
    tools: [{ name: 'lookup', inputSchema: { type: 'object' } }],
    toolChoice: { mode: 'auto' },
  };

  it('summarises what is asked for', () => {
    expect(operationOf('sampling/createMessage', params, 'to_client').details).toEqual({
      message_count: 2,
      has_system_prompt: true,
      max_tokens: 256,
      include_context: 'thisServer',
      temperature: 0.2,
      model_hints: ['claude-3-sonnet'],
      cost_priority: 0.3,
      tool_names: ['lookup'],
      tool_choice: 'auto',
    });
  });

  it('never passes the message or system prompt text', () => {
    const input = buildMessageInput(
      'to_client',
      { kind: 'request', id: 1, method: 'sampling/createMessage', params },
      initializedSession(),
      context,
    );
    const text = JSON.stringify(input);
    expect(text).not.toContain('CONVERSATION-TEXT');
    expect(text).not.toContain('SYSTEM-PROMPT-TEXT');
    expect(input.arguments).toMatchObject({ maxTokens: 256, includeContext: 'thisServer' });
  });
});

describe('elicitation details', () => {
  it('names the requested fields and their labels in form mode', () => {
    const operation = operationOf(
      'elicitation/create',
      {
        message: 'Sign in',
        requestedSchema: {
          type: 'object',
          properties: {
            user: { type: 'string', title: 'User name' },
            pw: { type: 'string', title: 'Password', description: 'Your password' },
          },
          required: ['user', 'pw'],
        },
      },
      'to_client',
    );
    expect(operation.details).toEqual({
      mode: 'form',
      fields: ['user', 'pw'],
      field_labels: ['User name', 'Password Your password'],
      required: ['user', 'pw'],
      folded_message: 'sign in',
      folded_texts: ['object', 'user', 'string', 'user name', 'pw', 'password', 'your password'],
      folded_truncated: false,
    });
  });

  it('has no secret-looking field for a harmless form', () => {
    const operation = operationOf(
      'elicitation/create',
      {
        message: 'Pick',
        requestedSchema: {
          type: 'object',
          properties: { color: { type: 'string', enum: ['red'] } },
        },
      },
      'to_client',
    );
    expect(operation.details).toEqual({
      mode: 'form',
      fields: ['color'],
      field_labels: [''],
      required: [],
      folded_message: 'pick',
      folded_texts: ['object', 'color', 'string', 'red'],
      folded_truncated: false,
    });
  });

  it('gives the host of a URL-mode elicitation', () => {
    const operation = operationOf(
      'elicitation/create',
      {
        mode: 'url',
        message: 'Authorise',
        elicitationId: 'e1',
        url: 'https://auth.example.com:8443/start?x=1',
      },
      'to_client',
    );
    expect(operation.details).toEqual({
      mode: 'url',
      url_host: 'auth.example.com:8443',
      folded_message: 'authorise',
      folded_truncated: false,
    });
  });

  it('gives no host for a URL that does not parse', () => {
    expect(
      operationOf('elicitation/create', { mode: 'url', url: 'not a url' }, 'to_client').details,
    ).toEqual({ mode: 'url', folded_message: '', folded_truncated: false });
  });
});

describe('completion details', () => {
  it('says which kind of reference is completed', () => {
    expect(
      operationOf('completion/complete', { ref: { type: 'ref/prompt', name: 'p' } }).details,
    ).toEqual({ ref_type: 'ref/prompt' });
    expect(operationOf('completion/complete', {}).details).toEqual({});
  });
});
