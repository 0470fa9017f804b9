import { describe, expect, it } from 'vitest';
import { EventBuffer } from '../../src/fleet/decision-logs/event-buffer.js';
import { backoff } from '../../src/fleet/decision-logs/log-uploader.js';

const texts = (events: readonly { json: string }[]) => events.map((event) => event.json);

describe('the decision-log buffer', () => {
  it('keeps every event within the limit', () => {
    const buffer = new EventBuffer({ kind: 'events', events: 3 });
    for (const json of ['1', '2', '3']) buffer.push(json);
    expect(buffer.dropped).toBe(0);
    expect(texts(buffer.take(10))).toEqual(['1', '2', '3']);
  });

  it('drops the oldest beyond an event limit, and counts them', () => {
    const buffer = new EventBuffer({ kind: 'events', events: 3 });
    for (const json of ['1', '2', '3', '4', '5']) buffer.push(json);
    expect(buffer.dropped).toBe(2);
    expect(texts(buffer.take(10))).toEqual(['3', '4', '5']);
  });

  it('drops the oldest beyond a byte limit', () => {
    const buffer = new EventBuffer({ kind: 'bytes', bytes: 10 });
    for (const json of ['aaaa', 'bbbb', 'cccc']) buffer.push(json);
    expect(buffer.dropped).toBe(1);
    expect(buffer.backlogBytes).toBe(8);
    expect(texts(buffer.take(10))).toEqual(['bbbb', 'cccc']);
  });

  it('puts a failed upload back in front, then drops the oldest of all', () => {
    const buffer = new EventBuffer({ kind: 'events', events: 3 });
    for (const json of ['1', '2']) buffer.push(json);
    expect(texts(buffer.take(10))).toEqual(['1', '2']);
    // While the upload runs, new events are not dropped for the in-flight ones.
    for (const json of ['3', '4', '5']) buffer.push(json);
    expect(buffer.dropped).toBe(0);
    expect(buffer.backlog).toBe(5);
    buffer.settle(false);
    expect(buffer.dropped).toBe(2);
    expect(texts(buffer.take(10))).toEqual(['3', '4', '5']);
  });

  it('removes a delivered upload and keeps what came meanwhile', () => {
    const buffer = new EventBuffer({ kind: 'events', events: 3 });
    for (const json of ['1', '2']) buffer.push(json);
    buffer.take(10);
    for (const json of ['3', '4', '5']) buffer.push(json);
    buffer.settle(true);
    expect(buffer.dropped).toBe(0);
    expect(texts(buffer.take(10))).toEqual(['3', '4', '5']);
  });
});

describe('sizing a chunk', () => {
  it('counts the front events that fit in a byte budget, at least one', () => {
    const buffer = new EventBuffer({ kind: 'events', events: 10 });
    for (const json of ['aaaa', 'bbbb', 'cccc']) buffer.push(json);
    expect(buffer.countWithin(8, 10)).toBe(2);
    expect(buffer.countWithin(9, 10)).toBe(2);
    expect(buffer.countWithin(1, 10)).toBe(1);
    expect(buffer.countWithin(100, 2)).toBe(2);
  });
});

describe('the retry backoff', () => {
  it("doubles from 100 ms with OPA's ±10% jitter, capped at the max delay", () => {
    expect(backoff(0, 600_000, () => 0.5)).toBe(100);
    expect(backoff(3, 600_000, () => 0.5)).toBe(800);
    expect(backoff(3, 600_000, () => 1)).toBeCloseTo(880);
    expect(backoff(3, 600_000, () => 0)).toBeCloseTo(720);
    expect(backoff(30, 5_000, () => 1)).toBe(5_000);
  });
});
