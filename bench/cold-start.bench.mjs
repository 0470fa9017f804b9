/** Cold start: from spawn to the first `initialize` response, a fresh process per sample. */
import { compareStat } from './lib/baselines.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatMillis, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave } from './lib/run-paths.mjs';
import { initializeSession, startPath } from './lib/spawn-path.mjs';
import { summarise } from './lib/stats.mjs';
import { performance } from 'node:perf_hooks';

export const name = 'cold-start';
export const title = 'Cold start';

async function coldStart(path) {
  const started = performance.now();
  const running = await startPath(path, { initialize: false });
  try {
    await initializeSession(running.client);
    return performance.now() - started;
  } catch (error) {
    throw running.explain(error);
  } finally {
    await running.close();
  }
}

export async function run({ quick, auditFile, peersDir }) {
  const rounds = quick ? 2 : 30;
  const paths = buildPaths(echoServer(), { auditFile: auditFile(name), peers: peersDir?.(name) });
  const items = paths.map((path) => ({ path }));
  await interleave(items, 1, (item) => coldStart(item.path)); // fills the OS page cache
  const samples = await interleave(items, rounds, (item) => coldStart(item.path));
  const stats = Object.fromEntries(paths.map((path) => [path.id, summarise(samples[path.id])]));
  const p50 = compareStat(paths, stats, 'p50');
  const p95 = compareStat(paths, stats, 'p95');
  return {
    name,
    title,
    about:
      'Time from `spawn()` to the first `initialize` response, with the request written as soon as the process exists. Each sample is a new process. The shim spawns the server first and loads its Wasm policy and audit log (and the code that judges and relays, the bin’s second bundle) while the server boots; it reads the request only when both are ready (`node bench/startup-trace.mjs` shows each step). Paths take turns.',
    command: `node bench/run.mjs ${name}`,
    settings: `${rounds} starts per path after one unmeasured start.`,
    tables: [
      {
        columns: [
          'path',
          'p50',
          'p95',
          'added p50',
          'added p95',
          'p50 vs direct',
          'p50 vs relay',
          'added p50 vs relay’s',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          formatMillis(p50[id].value),
          formatMillis(p95[id].value),
          formatMillis(p50[id].added),
          formatMillis(p95[id].added),
          formatRatio(p50[id].vsDirect),
          formatRatio(p50[id].vsRelay),
          formatRatio(p50[id].addedVsRelay),
        ]),
      },
    ],
    budgets: [checkBudget('cold-start', p50.shim?.addedVsRelay)],
    notes: [],
    figures: { p50 },
  };
}
