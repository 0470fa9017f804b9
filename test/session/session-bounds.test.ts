import { describe, expect, it } from 'vitest';
import { COUNTED_KEYS, OVERFLOW_KEY, REMEMBERED, Session } from '../../src/session/session.js';

describe('what a long session remembers', () => {
  it('keeps the last denied ids, forgetting the oldest beyond the limit', () => {
    const session = new Session();
    for (let id = 0; id < REMEMBERED + 10; id++) session.deniedByShim(id);
    expect(session.wasDenied(REMEMBERED + 9)).toBe(true);
    expect(session.wasDenied(10)).toBe(true);
    expect(session.wasDenied(9)).toBe(false);
    expect(session.wasDenied(0)).toBe(false);
  });

  it('counts at most COUNTED_KEYS operation keys, the rest under overflow, none ever reset', () => {
    const session = new Session();
    session.recordOperation('tool', 'echo', true);
    // A client naming a new tool in every call.
    for (let call = 0; call < COUNTED_KEYS + 500; call++)
      session.recordOperation('tool', `tool-${String(call)}`, false);
    // Keys already there keep counting, unnamed operations included.
    session.recordOperation('tool', 'echo', true);
    session.recordOperation('tool', 'tool-0', false);
    expect(Object.keys(session.counts)).toHaveLength(COUNTED_KEYS + 1);
    expect(session.counts['tool:echo']).toBe(2);
    expect(session.counts['tool:tool-0']).toBe(2);
    expect(session.counts[`tool:tool-${String(COUNTED_KEYS - 2)}`]).toBe(1);
    expect(session.counts[`tool:tool-${String(COUNTED_KEYS - 1)}`]).toBeUndefined();
    expect(session.counts[OVERFLOW_KEY]).toBe(501);
    session.recordOperation('ping', undefined, true);
    expect(session.counts.ping).toBeUndefined();
    expect(session.counts[OVERFLOW_KEY]).toBe(502);
  });
});
