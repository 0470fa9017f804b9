import { describe, expect, it } from 'vitest';
import { buildMessageInput } from '../../src/input/build-input.js';
import type { JsonObject } from '../../src/core/json-rpc.js';
import { namespaceAccess } from '../../src/relay/namespace-access.js';
import { Session } from '../../src/session/session.js';
import { tempDir, testContext } from '../input/helpers/input-fixtures.js';

const root = tempDir('mcp-opa-shim-access-');
const context = testContext({
  roots: [root],
  pathPointers: ['/target/file', '/items/*/path', '/pair/1'],
});
const tool = (name: string, args: JsonObject): [string, JsonObject] => [
  'tools/call',
  { name, arguments: args },
];

const CASES: [string, JsonObject, string][] = [
  [...tool('read_text_file', { path: `${root}/a` }), 'read'],
  [...tool('read_multiple_files', { paths: [`${root}/a`, `${root}/b`] }), 'read'],
  [...tool('write_file', { path: `${root}/a`, content: 'x' }), 'write'],
  [...tool('move_file', { source: `${root}/a`, destination: `${root}/b` }), 'write'],
  [...tool('edit_file', { path: `${root}/a`, edits: [] }), 'write'],
  [...tool('create_directory', { path: `${root}/d` }), 'write'],
  [...tool('some_unknown_tool', { path: 'relative/x' }), 'write'],
  [...tool('deploy', { target: { file: `${root}/a` } }), 'write'],
  [...tool('echo', { text: 'no paths here' }), 'none'],
  [...tool('batch_edit', { items: [{ path: `${root}/a` }, { other: 1 }] }), 'write'],
  [...tool('batch_edit', { items: [{ other: 1 }] }), 'none'],
  [...tool('swap', { pair: ['x', `${root}/b`] }), 'write'],
  [...tool('swap', { pair: ['x'] }), 'none'],
  [...tool('write_file', { path: 42 }), 'none'],
  [...tool('write_file', { paths: [1, `${root}/a`] }), 'write'],
  [...tool('create_entities', { entities: [{ name: 'x' }] }), 'none'],
  ['prompts/get', { name: 'p', arguments: { path: `${root}/a` } }, 'read'],
  ['resources/read', { uri: `file://${root}/a` }, 'read'],
  ['resources/read', { uri: 'https://example.com/a' }, 'none'],
  ['resources/subscribe', { uri: `FILE://${root}/a` }, 'read'],
  [
    'subscriptions/listen',
    { notifications: { resourceSubscriptions: [`file://${root}/a`] } },
    'listen',
  ],
  ['ping', {}, 'none'],
  ['tools/list', {}, 'none'],
  ['vendor/doSomething', { path: `${root}/a` }, 'write'],
];

describe('namespaceAccess', () => {
  it.each(CASES)('%s %j is %s', (method, params, expected) => {
    expect(namespaceAccess(method, params, new Session().catalog, context)).toBe(expected);
  });

  it('finds a path wherever the policy input finds one: a request with paths is never `none`', () => {
    const session = new Session();
    for (const [method, params] of CASES) {
      const input = buildMessageInput(
        'to_server',
        { kind: 'request', id: 1, method, params },
        session,
        context,
      );
      const access = namespaceAccess(method, params, session.catalog, context);
      if (input.paths.length > 0)
        expect(access, `${method} ${JSON.stringify(params)}`).not.toBe('none');
    }
  });

  it("takes the server's readOnlyHint over the known names, either way", () => {
    const session = new Session();
    session.catalog.observe({ name: 'read_text_file', annotations: { readOnlyHint: false } });
    session.catalog.observe({ name: 'archive_lookup', annotations: { readOnlyHint: true } });
    const access = (name: string) =>
      namespaceAccess(
        'tools/call',
        { name, arguments: { path: `${root}/a` } },
        session.catalog,
        context,
      );
    expect(access('read_text_file')).toBe('write');
    expect(access('archive_lookup')).toBe('read');
  });
});
