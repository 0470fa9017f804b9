import { describe, expect, it } from 'vitest';
import { parseFrame, recoverId } from '../../src/messages/parse-frame.js';

describe('parseFrame', () => {
  it('parses a valid frame', () => {
    expect(parseFrame('{"jsonrpc":"2.0","id":1,"method":"ping"}', true)).toEqual({
      ok: true,
      value: { jsonrpc: '2.0', id: 1, method: 'ping' },
    });
  });

  it('reports invalid JSON as a parse error', () => {
    const parsed = parseFrame('{"jsonrpc":"2.0",', true);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.fault).toBe('parse_error');
  });

  it('never quotes the frame in a parse error, so a cut secret cannot reach a log line', () => {
    const parsed = parseFrame('{"token":ghp_abcdefghijklmnop}', true);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.detail).toBe("Unexpected token 'g' is not valid JSON");
      expect(parsed.detail).not.toContain('ghp_');
    }
  });

  it('refuses a lone surrogate escape from the client and accepts a paired one', () => {
    const lone = parseFrame(
      '{"id":1,"method":"tools/call","params":{"name":"danger\\ud800"}}',
      true,
    );
    expect(lone.ok).toBe(false);
    if (!lone.ok) expect(lone.fault).toBe('lone_surrogate');
    expect(parseFrame('{"id":1,"method":"x","params":{"\\uDC00":1}}', true).ok).toBe(false);
    expect(parseFrame('{"id":1,"method":"x","params":{"e":"\\ud83d\\ude00"}}', true).ok).toBe(true);
  });

  it('refuses duplicate keys in strict mode and allows them otherwise', () => {
    const text = '{"id":1,"id":2}';
    const strict = parseFrame(text, true);
    expect(strict.ok).toBe(false);
    if (!strict.ok) expect(strict.detail).toBe('duplicate key "id"');
    expect(parseFrame(text, false).ok).toBe(true);
  });
});

describe('recoverId', () => {
  it('recovers a numeric or string id from the head of a frame', () => {
    expect(recoverId('{"jsonrpc":"2.0","id":42,"method":"tools/call","params":{"argu')).toBe(42);
    expect(recoverId('{"jsonrpc":"2.0","id":"abc-1","method":"x"')).toBe('abc-1');
  });

  it('gives null when there is no usable id', () => {
    expect(recoverId('{"jsonrpc":"2.0","method":"x"')).toBeNull();
    expect(recoverId('{"id":12345678901234567890')).toBeNull();
  });
});
