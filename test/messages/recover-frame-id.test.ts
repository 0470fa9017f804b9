import { describe, expect, it } from 'vitest';
import { recoverFrameId } from '../../src/messages/recover-frame-id.js';

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
});
