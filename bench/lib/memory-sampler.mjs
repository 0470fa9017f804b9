/**
 * Loaded into a relaying process with `node --import bench/lib/memory-sampler.mjs`: every
 * $BENCH_MEMORY_SAMPLE_MS (default 250) it appends one JSON line to $BENCH_MEMORY_OUT (never
 * stdout, which carries the protocol) with what the process holds, where /proc shows only RSS:
 * process.memoryUsage(), V8's heap spaces (size and used), malloced memory (V8's off-heap
 * allocations, the string table among them) and the garbage collections so far (scavenges, and
 * mark-compacts with the old space's use after each). bench/memory-breakdown.mjs reads the file.
 */
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, getHeapStatistics } from 'node:v8';

const out = process.env.BENCH_MEMORY_OUT;
const every = Number(process.env.BENCH_MEMORY_SAMPLE_MS ?? 250);

const oldSpaceUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size;

if (out !== undefined) {
  const gc = { scavenges: 0, markCompacts: 0, oldAfterMarkCompact: [] };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR) gc.scavenges++;
      if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.markCompacts++;
        // Read when the entry is delivered, a moment after the collection.
        gc.oldAfterMarkCompact.push(oldSpaceUsed());
      }
    }
  }).observe({ entryTypes: ['gc'] });

  const sample = () => {
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [
        space.space_name,
        { size: space.space_size, used: space.space_used_size },
      ]),
    );
    appendFileSync(
      out,
      `${JSON.stringify({
        at: Math.round(performance.now()),
        ...process.memoryUsage(),
        malloced: heap.malloced_memory,
        spaces,
        scavenges: gc.scavenges,
        markCompacts: gc.markCompacts,
        oldAfterMarkCompact: gc.oldAfterMarkCompact.at(-1),
      })}\n`,
    );
  };
  setInterval(sample, every).unref();
}
