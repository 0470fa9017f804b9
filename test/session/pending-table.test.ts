import { describe, expect, it } from 'vitest';
import type { JsonRpcId } from '../../src/core/json-rpc.js';
import { PendingTable, RENEW_AFTER } from '../../src/session/pending-table.js';
import { Session } from '../../src/session/session.js';

/** More insertions than one Map generation holds, with some entries left pending across renewals. */
const INSERTIONS = RENEW_AFTER * 3 + 5;

describe('PendingTable', () => {
  it('tells a numeric id from the string with the same digits', () => {
    const table = new PendingTable<string>();
    table.add(1, 'number');
    table.add('1', 'string');
    expect(table.take(1)).toBe('number');
    expect(table.has(1)).toBe(false);
    expect(table.get('1')).toBe('string');
  });

  it('keeps entries still pending, in insertion order, across renewals', () => {
    const table = new PendingTable<number>();
    const expected: [JsonRpcId, number][] = [];
    for (let index = 0; index < INSERTIONS; index++) {
      const id: JsonRpcId = index % 2 === 0 ? index : `r${index}`;
      table.add(id, index);
      // Every third entry stays pending; the others are answered at once.
      if (index % 3 === 0) expected.push([id, index]);
      else expect(table.take(id)).toBe(index);
    }
    expect([...table.entries()]).toEqual(expected);
  });

  it('keeps more pending entries than one renewal period, in insertion order', () => {
    const table = new PendingTable<number>();
    const pending = RENEW_AFTER * 4;
    for (let index = 0; index < pending; index++) table.add(index, index);
    for (let index = 0; index < pending; index += 2) expect(table.take(index)).toBe(index);
    for (let index = pending; index < pending + RENEW_AFTER; index++) table.add(index, index);
    const odd = Array.from({ length: pending / 2 }, (_, half) => half * 2 + 1);
    const added = Array.from({ length: RENEW_AFTER }, (_, offset) => pending + offset);
    expect([...table.entries()].map(([id]) => id)).toEqual([...odd, ...added]);
  });

  it('answers nothing for an id it never held or already gave back', () => {
    const table = new PendingTable<string>();
    table.add(7, 'seven');
    expect(table.take(7)).toBe('seven');
    expect(table.take(7)).toBeUndefined();
    expect(table.get(8)).toBeUndefined();
    expect(table.has(8)).toBe(false);
  });
});

describe('Session pending requests', () => {
  it('returns the ids still owed an answer with their JSON types, after many requests', () => {
    const session = new Session();
    for (let index = 0; index < INSERTIONS; index++) {
      session.forwardedToServer(index, { method: 'tools/call', params: { index } });
      session.forwardedToServer(`${index}`, { method: 'tools/call', params: { index } });
      if (index < INSERTIONS - 2) {
        expect(session.settleToServer(index)?.params).toEqual({ index });
        expect(session.settleToServer(`${index}`)?.params).toEqual({ index });
      }
    }
    session.forwardedToServer('internal', { method: 'tools/list', params: {}, internal: true });
    session.cancelledByClient(INSERTIONS - 1);
    expect(session.pendingToServerIds()).toEqual([
      INSERTIONS - 2,
      `${INSERTIONS - 2}`,
      `${INSERTIONS - 1}`,
    ]);
  });

  it('remembers a denied id by its type: the string with the same digits was not denied', () => {
    const session = new Session();
    session.deniedByShim(5);
    expect(session.wasDenied(5)).toBe(true);
    expect(session.wasDenied('5')).toBe(false);
  });
});

describe('PendingTable.add', () => {
  it('never replaces a pending entry', () => {
    const table = new PendingTable<string>();
    expect(table.add(7, 'tools/list')).toBe(true);
    expect(table.add(7, 'ping')).toBe(false);
    expect(table.get(7)).toBe('tools/list');
    expect(table.take(7)).toBe('tools/list');
    expect(table.add(7, 'ping')).toBe(true);
  });
});
