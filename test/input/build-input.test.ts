import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMessageInput, buildResponseInput } from '../../src/input/build-input.js';
import type { InputContext } from '../../src/input/input-context.js';
import { MAX_ARGUMENT_CHARS } from '../../src/input/project-arguments.js';
import { classifyMessage } from '../../src/messages/classify-message.js';
import type { JsonObject } from '../../src/core/json-rpc.js';
import { Session } from '../../src/session/session.js';
import { initializedSession, tempDir, testContext } from './helpers/input-fixtures.js';

let base: string;
let root: string;
let secret: string;
let context: InputContext;

beforeAll(() => {
  base = tempDir('mcp-opa-shim-input-');
  root = path.join(base, 'project');
  secret = path.join(base, 'secret.txt');
  mkdirSync(root);
  writeFileSync(path.join(root, 'notes.txt'), 'notes');
  writeFileSync(secret, 'secret');
  context = testContext({
    roots: [root],
    pathBases: [root],
    pathPointers: ['/options/target', '/files/*/file'],
  });
});

afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

/** The input for the client request `method` (id 1 unless given), in a fresh initialized session by default. */
function clientRequest(
  method: string,
  params: JsonObject | undefined,
  { id = 1, session = initializedSession(), ctx = context }: RequestOptions = {},
) {
  return buildMessageInput('to_server', { kind: 'request', id, method, params }, session, ctx);
}

interface RequestOptions {
  readonly id?: number;
  readonly session?: Session;
  readonly ctx?: InputContext;
}

function toolCall(name: string, args: unknown) {
  return clientRequest('tools/call', { name, arguments: args });
}

describe('the projected input', () => {
  it('carries the documented top-level fields', () => {
    const input = toolCall('read_text_file', { path: 'notes.txt' });
    expect(Object.keys(input).sort()).toEqual(
      [
        'approval',
        'arguments',
        'client',
        'direction',
        'environment',
        'message',
        'mode',
        'operation',
        'paths',
        'principal',
        'roots',
        'server',
        'session',
        'transport',
        'version',
      ].sort(),
    );
    expect(input).toMatchObject({
      version: 1,
      direction: 'to_server',
      message: { kind: 'request', method: 'tools/call', id: 1 },
      principal: { id: 'alice', roles: ['developer'], attributes: { team: 'platform' } },
      client: {
        self_declared: true,
        info: { name: 'test-client', version: '1.0.0' },
        capabilities: { roots: { listChanged: true }, sampling: {} },
        protocol_version: '2025-06-18',
      },
      server: {
        id: 'filesystem',
        command: ['npx', '-y', '@modelcontextprotocol/server-filesystem'],
        info: { name: 'secure-filesystem-server' },
      },
      transport: 'stdio',
      approval: { granted: false },
      roots: [root],
      mode: 'enforce',
    });
  });

  it('never contains the raw frame: no _meta, no jsonrpc, no unknown top-level fields', () => {
    const frame = {
      jsonrpc: '2.0',
      id: 9,
      method: 'tools/call',
      smuggled: 'TOP-LEVEL-MARKER',
      params: {
        name: 'read_text_file',
        arguments: { path: 'notes.txt', _meta: { x: 'ARG-META' } },
        _meta: { progressToken: 'META-MARKER' },
      },
    };
    const message = classifyMessage(frame);
    if (message.kind !== 'request') throw new Error('expected a request');
    const text = JSON.stringify(
      buildMessageInput('to_server', message, initializedSession(), context),
    );
    expect(text).not.toContain('TOP-LEVEL-MARKER');
    expect(text).not.toContain('META-MARKER');
    expect(text).not.toContain('ARG-META');
    expect(text).not.toContain('jsonrpc');
  });

  it('passes the params of an unknown method minus _meta', () => {
    const input = buildMessageInput(
      'to_server',
      { kind: 'notification', method: 'vendor/x', params: { a: 1, _meta: { b: 2 } } },
      initializedSession(),
      context,
    );
    expect(input.arguments).toEqual({ a: 1 });
    expect(input.message).toEqual({ kind: 'notification', method: 'vendor/x' });
  });

  it('gives tool calls their arguments and nothing else', () => {
    expect(toolCall('read_text_file', { path: 'notes.txt', head: 3 }).arguments).toEqual({
      path: 'notes.txt',
      head: 3,
    });
    expect(toolCall('read_text_file', 'not an object').arguments).toEqual({});
  });

  it('does not copy small arguments (they are passed through by reference)', () => {
    const args = { path: 'notes.txt' };
    expect(toolCall('read_text_file', args).arguments).toBe(args);
  });

  it('leaves out oversized values, names them, and still resolves the paths', () => {
    const input = toolCall('write_file', {
      path: secret,
      content: 'x'.repeat(MAX_ARGUMENT_CHARS + 1),
    });
    expect(input.arguments).toEqual({ path: secret });
    expect(input.arguments_omitted).toEqual(['/content']);
    expect(input.paths).toMatchObject([{ pointer: '/path', within_roots: false }]);
  });

  it('keeps values under the limit and reports nothing omitted', () => {
    const input = toolCall('write_file', { path: 'notes.txt', content: 'x'.repeat(1000) });
    expect(input.arguments_omitted).toBeUndefined();
    expect(input.arguments).toHaveProperty('content');
  });

  it('keeps a literal __proto__ argument as data when something is omitted', () => {
    const args = JSON.parse(
      `{"__proto__":{"polluted":true},"big":"${'y'.repeat(MAX_ARGUMENT_CHARS + 1)}"}`,
    ) as JsonObject;
    const input = toolCall('x', args);
    expect(Object.hasOwn(input.arguments, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('environment', () => {
  it('lists variable names, sorted and unique, and never their values', () => {
    process.env.MCP_TEST_API_TOKEN = 'value-that-must-not-leak';
    const withEnv = testContext({}, ['PATH', 'MCP_TEST_API_TOKEN', 'HOME', 'PATH']);
    const input = clientRequest('ping', undefined, { ctx: withEnv });
    expect(input.environment.names).toEqual(['HOME', 'MCP_TEST_API_TOKEN', 'PATH']);
    expect(JSON.stringify(input)).not.toContain('value-that-must-not-leak');
    delete process.env.MCP_TEST_API_TOKEN;
  });
});

describe('session projection', () => {
  it('carries counts and the recent operations with their decisions', () => {
    const session = initializedSession();
    session.recordOperation('resource', 'file:///home/me/.ssh/id_rsa', true);
    session.recordOperation('tool', 'fetch', false);
    const input = clientRequest('ping', undefined, { id: 2, session });
    expect(input.session).toMatchObject({
      id: session.id,
      started_at: session.startedAt,
      era: 'legacy',
      counts: { 'resource:file:///home/me/.ssh/id_rsa': 1, 'tool:fetch': 1 },
    });
    expect(input.session.recent.map((entry) => [entry.type, entry.name, entry.allow])).toEqual([
      ['resource', 'file:///home/me/.ssh/id_rsa', true],
      ['tool', 'fetch', false],
    ]);
  });

  it('is a snapshot: a later operation changes the next input, not an earlier one', () => {
    const session = initializedSession();
    const first = clientRequest('ping', undefined, { session });
    session.recordOperation('tool', 'fetch', true);
    const second = clientRequest('ping', undefined, { id: 2, session });
    expect(first.session.counts).toEqual({});
    expect(first.session.recent).toEqual([]);
    expect(second.session.counts).toEqual({ 'tool:fetch': 1 });
  });

  it('reflects a modern-era session without an initialize handshake', () => {
    const session = new Session();
    session.observeRequestMeta({
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'modern', version: '2' },
      },
    });
    const input = clientRequest('server/discover', undefined, { session });
    expect(input.client).toEqual({
      self_declared: true,
      info: { name: 'modern', version: '2' },
      protocol_version: '2026-07-28',
    });
    expect(input.session.era).toBe('modern');
    expect(input.server.info).toBeUndefined();
  });
});

describe('paths in tool arguments', () => {
  it('allows the server-filesystem argument names when they stay inside the root', () => {
    const input = toolCall('move_file', {
      source: 'notes.txt',
      destination: path.join(root, 'moved.txt'),
    });
    expect(input.paths).toEqual([
      {
        pointer: '/source',
        raw: 'notes.txt',
        resolved: path.join(root, 'notes.txt'),
        within_roots: true,
        root,
      },
      {
        pointer: '/destination',
        raw: path.join(root, 'moved.txt'),
        resolved: path.join(root, 'moved.txt'),
        within_roots: true,
        root,
      },
    ]);
  });

  it('flags each element of paths[] that leaves the root', () => {
    const input = toolCall('read_multiple_files', { paths: ['notes.txt', secret, 42] });
    expect(input.paths.map((entry) => [entry.pointer, entry.within_roots])).toEqual([
      ['/paths/0', true],
      ['/paths/1', false],
    ]);
  });

  it('follows configured pointers for other servers, with wildcards', () => {
    const input = toolCall('custom', {
      options: { target: secret },
      files: [{ file: 'notes.txt' }, { file: '../secret.txt' }],
    });
    expect(input.paths.map((entry) => [entry.pointer, entry.within_roots])).toEqual([
      ['/options/target', false],
      ['/files/0/file', true],
      ['/files/1/file', false],
    ]);
  });

  it('flags a relative path that the server, given a wider directory, would read outside the root', () => {
    const wider = testContext({
      roots: [root],
      args: ['@modelcontextprotocol/server-filesystem', base],
    });
    const call = (raw: string) =>
      clientRequest(
        'tools/call',
        { name: 'read_text_file', arguments: { path: raw } },
        { ctx: wider },
      );
    expect(call('secret.txt').paths).toMatchObject([{ within_roots: false }]);
    expect(call(path.join(root, 'notes.txt')).paths).toMatchObject([{ within_roots: true }]);
  });

  it('finds no paths where no path-like argument is given', () => {
    expect(toolCall('echo', { message: secret }).paths).toEqual([]);
  });

  it('resolves path-like prompt arguments too', () => {
    const input = clientRequest('prompts/get', { name: 'review', arguments: { path: secret } });
    expect(input.arguments).toEqual({ path: secret });
    expect(input.paths).toMatchObject([{ pointer: '/path', within_roots: false }]);
  });
});

describe('paths in resource URIs', () => {
  function read(uri: string) {
    return clientRequest('resources/read', { uri });
  }

  it('allows a file:// resource inside the root', () => {
    const uri = pathToFileURL(path.join(root, 'notes.txt')).href;
    expect(read(uri).paths).toEqual([
      {
        pointer: '/uri',
        raw: uri,
        resolved: path.join(root, 'notes.txt'),
        within_roots: true,
        root,
      },
    ]);
    expect(read(uri).arguments).toEqual({ uri });
  });

  it('flags a file:// resource outside the root', () => {
    expect(read(pathToFileURL(secret).href).paths).toMatchObject([
      { pointer: '/uri', within_roots: false, resolved: secret },
    ]);
  });

  it('does not treat other URI schemes as paths', () => {
    expect(read('test://static/resource/1').paths).toEqual([]);
  });
});

describe('paths in modern subscriptions', () => {
  function listen(uris: string[]) {
    return clientRequest('subscriptions/listen', {
      notifications: { resourceSubscriptions: uris },
    });
  }

  it('allows subscribing to a file resource inside the root', () => {
    const uri = pathToFileURL(path.join(root, 'notes.txt')).href;
    expect(listen([uri, 'test://static/1']).paths).toEqual([
      {
        pointer: '/notifications/resourceSubscriptions/0',
        raw: uri,
        resolved: path.join(root, 'notes.txt'),
        within_roots: true,
        root,
      },
    ]);
  });

  it('flags a subscription to a file resource outside the root', () => {
    expect(listen(['test://static/1', pathToFileURL(secret).href]).paths).toMatchObject([
      { pointer: '/notifications/resourceSubscriptions/1', within_roots: false },
    ]);
  });
});

describe('client responses', () => {
  it('resolves every advertised root and flags the ones outside the configured roots', () => {
    const result = {
      roots: [
        { uri: pathToFileURL(root).href, name: 'project' },
        { uri: pathToFileURL(base).href },
        { name: 'no uri' },
      ],
      _meta: { m: 1 },
    };
    const input = buildResponseInput('roots/list', 'r1', result, initializedSession(), context);
    expect(input.direction).toBe('to_server');
    expect(input.message).toEqual({ kind: 'response', method: 'roots/list', id: 'r1' });
    expect(input.operation).toEqual({
      type: 'roots',
      name: 'roots/list',
      listing: false,
      details: { count: 3 },
    });
    expect(input.paths.map((entry) => [entry.pointer, entry.within_roots])).toEqual([
      ['/roots/0/uri', true],
      ['/roots/1/uri', false],
      ['/roots/2/uri', false],
    ]);
    expect(input.arguments).not.toHaveProperty('_meta');
  });

  it('describes a sampling answer without its text', () => {
    const result = {
      role: 'assistant',
      model: 'claude-x',
      stopReason: 'endTurn',
      content: { type: 'text', text: 'MODEL-OUTPUT' },
    };
    const input = buildResponseInput(
      'sampling/createMessage',
      3,
      result,
      initializedSession(),
      context,
    );
    expect(input.operation.details).toEqual({
      model: 'claude-x',
      stop_reason: 'endTurn',
      role: 'assistant',
      content_types: ['text'],
    });
    expect(JSON.stringify(input)).not.toContain('MODEL-OUTPUT');
  });

  it('describes an elicitation answer by field names, never the values the user typed', () => {
    const result = { action: 'accept', content: { password: 'hunter2-typed-by-user' } };
    const input = buildResponseInput(
      'elicitation/create',
      4,
      result,
      initializedSession(),
      context,
    );
    expect(input.operation.details).toEqual({ action: 'accept', fields: ['password'] });
    expect(input.arguments).toEqual({ action: 'accept' });
    expect(JSON.stringify(input)).not.toContain('hunter2');
  });

  it('passes other answers minus _meta', () => {
    const input = buildResponseInput('ping', 5, { _meta: { a: 1 } }, initializedSession(), context);
    expect(input.operation).toEqual({ type: 'ping', name: 'ping', listing: false });
    expect(input.arguments).toEqual({});
  });
});
