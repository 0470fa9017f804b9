import { describe, expect, it } from 'vitest';
import { SlidingCounts } from '../../src/state/counters/sliding-counts.js';

describe('SlidingCounts', () => {
  it('counts calls inside the window and says when the oldest leaves it', () => {
    const counts = new SlidingCounts(60_000);
    counts.add('fs/glob', 1_000);
    counts.add('fs/glob', 2_000);
    counts.add('fs/read', 3_000);
    const view = counts.view(10_000);
    expect(view.window_seconds).toBe(60);
    expect(view.counts).toEqual({ 'fs/glob': 2, 'fs/read': 1 });
    expect(view.resets_at['fs/glob']).toBe(new Date(61_000).toISOString());
  });

  it('forgets a call once the window has passed it, one call at a time', () => {
    const counts = new SlidingCounts(60_000);
    counts.add('k', 1_000);
    counts.add('k', 5_000);
    expect(counts.view(60_999).counts).toEqual({ k: 2 });
    expect(counts.view(61_000).counts).toEqual({ k: 1 });
    expect(counts.view(65_000).counts).toEqual({});
    expect(counts.view(65_000).resets_at).toEqual({});
  });

  it('reuses the view until a call is added or one expires', () => {
    const counts = new SlidingCounts(60_000);
    counts.add('k', 1_000);
    const first = counts.view(2_000);
    expect(counts.view(3_000)).toBe(first);
    counts.add('k', 3_000);
    const second = counts.view(3_000);
    expect(second).not.toBe(first);
    expect(second.counts).toEqual({ k: 2 });
  });

  it('keeps the times ordered when a call arrives late (another shim behind)', () => {
    const counts = new SlidingCounts(60_000);
    counts.add('k', 5_000);
    counts.add('k', 1_000);
    expect(counts.view(6_000).resets_at.k).toBe(new Date(61_000).toISOString());
    expect(counts.view(61_000).counts).toEqual({ k: 1 });
  });

  it('stays exact while thousands of calls expire one by one', () => {
    const counts = new SlidingCounts(60_000);
    for (let at = 0; at < 5_000; at++) counts.add('k', at * 20);
    // 20 ms apart, all added up front: the view counts those after now − 60 s.
    for (let now = 60_000; now < 150_000; now += 7) {
      const expired = Math.min(5_000, Math.floor((now - 60_000) / 20) + 1);
      expect(counts.view(now).counts.k).toBe(5_000 - expired === 0 ? undefined : 5_000 - expired);
      expect(counts.countOf('k', now)).toBe(5_000 - expired);
    }
  });

  it('counts one key as its view does, before and after the view was read', () => {
    const counts = new SlidingCounts(60_000);
    expect(counts.countOf('k', 0)).toBe(0);
    for (const at of [1_000, 2_000, 2_000, 30_000]) counts.add('k', at);
    counts.add('other', 5_000);
    for (const now of [30_000, 61_000, 62_000, 65_001, 89_999, 90_000]) {
      const fromView = counts.view(now).counts.k ?? 0;
      expect(counts.countOf('k', now)).toBe(fromView);
    }
    expect(counts.countOf('missing', 1_000)).toBe(0);
  });

  it('drops expired calls when only countOf is read (the fast path never builds a view)', () => {
    // A call every millisecond under a one-second window, read only through countOf, as the
    // fast path of src/relay/rate-quota.ts does while every count is below its limit.
    const counts = new SlidingCounts(1_000);
    for (let at = 0; at < 20_000; at++) {
      counts.add('k', at);
      expect(counts.countOf('k', at)).toBe(Math.min(at + 1, 1_000));
    }
    // At most the window's calls plus what waits for the next compaction, not the session's.
    expect(counts.retained).toBeLessThanOrEqual(2_050);
    expect(counts.view(20_000).counts.k).toBe(999);
  });
});
