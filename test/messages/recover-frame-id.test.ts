import { describe, expect, it } from 'vitest';
import { recoverFrameId, recoverFrameIds } from '../../src/messages/recover-frame-id.js';

describe('recoverFrameId', () => {
  it('takes the id an SDK program writes last, from the tail', () => {
    const head =
      '{"method":"tools/call","params":{"name":"write_file","arguments":{"content":"xxxx';
    expect(recoverFrameId(head, 'xxxx"}},"jsonrpc":"2.0","id":7}')).toBe(7);
    expect(recoverFrameId(head, 'xxxx"}}, "jsonrpc":"2.0", "id" : "a\\"b" }')).toBe('a"b');
  });

  it('does not take a nested id from the tail, and falls back to the head', () => {
    expect(recoverFrameId('{"jsonrpc":"2.0","id":3,"params":', ',"arguments":{"id":9}}}')).toBe(3);
    expect(recoverFrameId('{"params":{"x":"', 'xxxx"}}')).toBeNull();
  });

  it('ignores an "id" that ends a string rather than opens a top-level member', () => {
    expect(recoverFrameId('{"params":"', 'abc\\",\\"id\\":5}"}')).toBeNull();
  });

  it('gives both ids when a line that never ended swallowed the next message', () => {
    const head = '{"jsonrpc":"2.0","id":2,"result":{"content":[{"type":"text","text":"xxxx';
    expect(recoverFrameIds(head, 'xxxx{"jsonrpc":"2.0","id":3,"result":{}}')).toEqual([3, 2]);
    expect(recoverFrameIds(head, 'xxxx"}]},"id":2}')).toEqual([2]);
    expect(recoverFrameIds('{"x":"', 'xxxx')).toEqual([]);
  });
});
