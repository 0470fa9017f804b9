/** Helpers to drive several paths in one scenario, fairly and without leaking processes. */
import { startPath } from './spawn-path.mjs';
import { performance } from 'node:perf_hooks';

/** Starts every path (one at a time, so start-up does not compete), runs `body`, always stops them. */
export async function withPaths(paths, body, options) {
  const running = [];
  try {
    for (const path of paths) running.push(await startPath(path, options));
    return await body(running);
  } finally {
    await Promise.all(running.map((item) => item.close()));
  }
}

/**
 * Runs `step` `rounds` × `block` times for every path: in each round every path
 * runs a block of consecutive steps, and the path that goes first rotates, so
 * drift in machine load spreads evenly over the paths. Blocks (rather than
 * strict alternation) keep one process's after-work (GC, deferred writes) from
 * landing on the next path's requests; the first `settle` steps of each block
 * run unrecorded for the same reason. Returns the step results per path id.
 */
export async function interleave(items, rounds, step, block = 1, settle = 0) {
  const results = Object.fromEntries(items.map((item) => [item.path.id, []]));
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < items.length; offset++) {
      const item = items[(round + offset) % items.length];
      try {
        for (let index = 0; index < settle; index++) await step(item, round);
        for (let index = 0; index < block; index++) {
          results[item.path.id].push(await step(item, round));
        }
      } catch (error) {
        throw item.explain?.(error) ?? error;
      }
    }
  }
  return results;
}

/**
 * Keeps `window` requests in flight until `total` have been answered; resolves
 * with the elapsed milliseconds. `check` validates each answer.
 */
export async function pipeline(client, total, window, makeRequest, check) {
  const started = performance.now();
  let sent = 0;
  const worker = async () => {
    while (sent < total) {
      const index = sent++;
      const { message } = await makeRequest(client, index);
      check?.(message, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(window, total) }, worker));
  return performance.now() - started;
}
