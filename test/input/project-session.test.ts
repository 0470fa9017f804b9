import { describe, expect, it } from 'vitest';
import { projectSession } from '../../src/input/project-session.js';
import { initializedSession, testContext } from './helpers/input-fixtures.js';

describe('projectSession', () => {
  it('keeps client and server the same frozen objects while operations are recorded', () => {
    const context = testContext();
    const session = initializedSession();
    const before = projectSession(session, context);
    session.recordOperation('tool', 'read_text_file', true);
    const after = projectSession(session, context);
    expect(after.session).not.toBe(before.session);
    expect(after.session.counts).toEqual({ 'tool:read_text_file': 1 });
    expect(after.client).toBe(before.client);
    expect(after.server).toBe(before.server);
    expect(Object.isFrozen(after.client.info)).toBe(true);
    expect(Object.isFrozen(after.session.recent[0])).toBe(true);
  });

  it('keeps the client object when a modern client resends equal info, and replaces it when the info changes', () => {
    const context = testContext();
    const session = initializedSession();
    const meta = (version: string) => ({
      _meta: {
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': { name: 'test-client', version },
      },
    });
    session.era = 'unknown';
    session.observeRequestMeta(meta('1.0.0'));
    const first = projectSession(session, context);
    session.observeRequestMeta(meta('1.0.0'));
    const same = projectSession(session, context);
    session.observeRequestMeta(meta('2.0.0'));
    const changed = projectSession(session, context);
    expect(same.client).toBe(first.client);
    expect(changed.client).not.toBe(first.client);
    expect(changed.client.info).toEqual({ name: 'test-client', version: '2.0.0' });
  });

  it('keeps the recent-operations array while a run of one tool leaves it unchanged, and replaces it when it changes', () => {
    const context = testContext();
    const session = initializedSession();
    for (let call = 0; call < 10; call++) session.recordOperation('tool', 'read_text_file', true);
    const full = projectSession(session, context);
    session.recordOperation('tool', 'read_text_file', true);
    const same = projectSession(session, context);
    session.recordOperation('tool', 'read_text_file', false);
    const changed = projectSession(session, context);
    expect(same.session.recent).toBe(full.session.recent);
    expect(changed.session.recent).not.toBe(full.session.recent);
    expect(changed.session.recent.at(-1)).toEqual({
      type: 'tool',
      name: 'read_text_file',
      allow: false,
    });
  });

  it('copies the session’s objects rather than freezing them', () => {
    const session = initializedSession();
    projectSession(session, testContext());
    expect(Object.isFrozen(session.clientInfo)).toBe(false);
    session.recordOperation('tool', 'write_file', false);
    projectSession(session, testContext());
    expect(Object.isFrozen(session.recent[0])).toBe(false);
  });
});
