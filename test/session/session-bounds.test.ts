import { describe, expect, it } from 'vitest';
import { REMEMBERED, Session } from '../../src/session/session.js';

describe('what a long session remembers', () => {
  it('keeps the last denied ids, forgetting the oldest beyond the limit', () => {
    const session = new Session();
    for (let id = 0; id < REMEMBERED + 10; id++) session.deniedByShim(id);
    expect(session.wasDenied(REMEMBERED + 9)).toBe(true);
    expect(session.wasDenied(10)).toBe(true);
    expect(session.wasDenied(9)).toBe(false);
    expect(session.wasDenied(0)).toBe(false);
  });
});
