import { describe, expect, it } from 'vitest';
import { NamespaceGate } from '../../src/session/namespace-gate.js';
import { Session } from '../../src/session/session.js';

describe('NamespaceGate', () => {
  it('lets reads in beside reads, and a write in only when nothing touching paths is in flight', () => {
    const gate = new NamespaceGate();
    gate.enter('read');
    expect(gate.admits('read')).toBe(true);
    expect(gate.admits('write')).toBe(false);
    gate.leave('read');
    expect(gate.admits('write')).toBe(true);
  });

  it('holds reads, subscriptions and writes while a write is in flight; never requests without paths', () => {
    const gate = new NamespaceGate();
    gate.enter('write');
    expect(gate.admits('read')).toBe(false);
    expect(gate.admits('listen')).toBe(false);
    expect(gate.admits('write')).toBe(false);
    expect(gate.admits('none')).toBe(true);
    gate.leave('write');
    expect(gate.admits('read')).toBe(true);
  });

  it('never counts an open subscription, so it cannot keep a write out for the whole session', () => {
    const gate = new NamespaceGate();
    gate.enter('listen');
    expect(gate.admits('write')).toBe(true);
  });

  it('tells its listener each time a request leaves, and when the server is gone', () => {
    const gate = new NamespaceGate();
    let calls = 0;
    gate.onLeave(() => calls++);
    gate.enter('write');
    gate.leave('write');
    gate.leave('none');
    gate.enter('write');
    gate.enter('read');
    gate.reset();
    expect(calls).toBe(2);
    expect(gate.inFlight).toEqual({ reads: 0, writes: 0 });
  });
});

describe('Session: client requests held, forwarded and settled', () => {
  it('refuses a second entry for a pending id, held or forwarded, and keeps the first', () => {
    const session = new Session();
    expect(session.holdToServer(7, { method: 'tools/list', params: undefined })).toBe(true);
    expect(session.holdToServer(7, { method: 'ping', params: undefined })).toBe(false);
    expect(session.forwardedToServer(7, { method: 'tools/list', params: undefined })).toBe(true);
    expect(session.forwardedToServer(7, { method: 'ping', params: undefined })).toBe(false);
    expect(session.settleToServer(7)?.method).toBe('tools/list');
    expect(session.forwardedToServer(7, { method: 'ping', params: undefined })).toBe(true);
  });

  it('treats ids that JSON.parse reads alike as one id, and 1 and "1" as two', () => {
    const session = new Session();
    session.forwardedToServer(JSON.parse('7') as number, { method: 'tools/list', params: {} });
    for (const spelling of ['7.0', '7e0', '70e-1', '0.7e1']) {
      expect(session.isPendingToServer(JSON.parse(spelling) as number)).toBe(true);
    }
    session.forwardedToServer(JSON.parse('"\\u0038"') as string, { method: 'ping', params: {} });
    expect(session.isPendingToServer('8')).toBe(true);
    expect(session.isPendingToServer(8)).toBe(false);
  });

  it('gives no held request to a response (it was never sent), and counts only forwarded ones in the gate', () => {
    const session = new Session();
    session.holdToServer(2, { method: 'tools/call', params: {}, access: 'read' });
    expect(session.peekToServer(2)).toBeUndefined();
    expect(session.settleToServer(2)).toBeUndefined();
    expect(session.isHeldToServer(2)).toBe(true);
    expect(session.gate.inFlight).toEqual({ reads: 0, writes: 0 });
    session.forwardedToServer(2, { method: 'tools/call', params: {}, access: 'read' });
    expect(session.gate.inFlight).toEqual({ reads: 1, writes: 0 });
    expect(session.settleToServer(2)?.access).toBe('read');
    expect(session.gate.inFlight).toEqual({ reads: 0, writes: 0 });
  });

  it('owes an answer to held and forwarded requests alike when the server is gone, not to cancelled ones', () => {
    const session = new Session();
    session.forwardedToServer(1, { method: 'tools/call', params: {}, access: 'write' });
    session.forwardedToServer(2, { method: 'tools/call', params: {} });
    session.cancelledByClient(2);
    session.holdToServer(3, { method: 'tools/call', params: {}, access: 'read' });
    session.forwardedToServer('internal', { method: 'tools/list', params: {}, internal: true });
    expect(session.abandonToServer()).toEqual([1, 3]);
    expect(session.isPendingToServer(1)).toBe(false);
    expect(session.gate.admits('write')).toBe(true);
  });

  it('forgets a denied id once the same id is forwarded again', () => {
    const session = new Session();
    session.deniedByShim(5);
    session.forwardedToServer(5, { method: 'ping', params: undefined });
    expect(session.wasDenied(5)).toBe(false);
  });

  it('refuses a server request id already pending to the client', () => {
    const session = new Session();
    expect(session.forwardedToClient('s1', { method: 'roots/list', params: undefined })).toBe(true);
    expect(session.forwardedToClient('s1', { method: 'ping', params: undefined })).toBe(false);
    expect(session.settleToClient('s1')?.method).toBe('roots/list');
  });
});
