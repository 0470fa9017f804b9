import { describe, expect, it } from 'vitest';
import { classifyMessage } from '../../src/messages/classify-message.js';

describe('classifyMessage', () => {
  it('classifies requests, notifications, responses and errors', () => {
    expect(classifyMessage({ jsonrpc: '2.0', id: 1, method: 'tools/list' })).toEqual({
      kind: 'request',
      id: 1,
      method: 'tools/list',
      params: undefined,
    });
    expect(classifyMessage({ jsonrpc: '2.0', method: 'notifications/initialized' }).kind).toBe(
      'notification',
    );
    expect(classifyMessage({ jsonrpc: '2.0', id: 'a', result: {} }).kind).toBe('response');
    expect(
      classifyMessage({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'x' } }),
    ).toEqual({
      kind: 'error',
      id: null,
      error: { code: -32700, message: 'x', data: undefined },
    });
  });

  it('rejects messages that are not JSON-RPC 2.0', () => {
    expect(classifyMessage({ id: 1, method: 'x' })).toMatchObject({ kind: 'invalid', id: 1 });
    expect(classifyMessage('text')).toMatchObject({ kind: 'invalid', id: null });
    expect(classifyMessage({ jsonrpc: '2.0', id: 1, method: 5 })).toMatchObject({
      kind: 'invalid',
    });
    expect(classifyMessage({ jsonrpc: '2.0', id: 1, method: 'x', params: [1] })).toMatchObject({
      kind: 'invalid',
    });
    expect(classifyMessage({ jsonrpc: '2.0', id: { a: 1 }, method: 'x' })).toMatchObject({
      kind: 'invalid',
      id: null,
    });
    expect(classifyMessage({ jsonrpc: '2.0', id: 1 })).toMatchObject({ kind: 'invalid' });
  });
});
