/** Round trip: sequential tools/call latency per path after warm-up; the added latency is what a hop costs. */
import { compareStat } from './lib/baselines.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatMicros, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { summarise } from './lib/stats.mjs';

export const name = 'roundtrip';
export const title = 'Round trip';

/**
 * Every call's text differs and stays plain prose: a peer (vellaveto-proxy) refuses a request that
 * replays an earlier answer, and high-entropy arguments adding up over calls.
 */
let calls = 0;
const callText = () => `List the open issues on the site, then the notes on the tests: ${calls++}`;

async function timedEcho(item) {
  const text = callText();
  const { message, sentAt, receivedAt } = await item.client.request('tools/call', echoParams(text));
  expectEcho(message, text);
  return (receivedAt - sentAt) * 1000;
}

export async function run({ quick, auditFile, peersDir }) {
  const warmup = quick ? 50 : 2000;
  const block = quick ? 50 : 100;
  const rounds = quick ? 4 : 100;
  const settle = 10;
  const paths = buildPaths(echoServer(), { auditFile: auditFile(name), peers: peersDir?.(name) });
  const samples = await withPaths(paths, async (running) => {
    await interleave(running, 1, timedEcho, warmup);
    return interleave(running, rounds, timedEcho, block, settle);
  });
  const stats = Object.fromEntries(paths.map((path) => [path.id, summarise(samples[path.id])]));
  const [p50, p95, p99] = ['p50', 'p95', 'p99'].map((key) => compareStat(paths, stats, key));
  const shimP50 = stats.shim?.p50;
  const auditP50 = stats['shim-audit']?.p50;
  return {
    name,
    title,
    about:
      'Sequential `tools/call` requests (one in flight) to the echo tool, after warm-up. Paths take turns in blocks, so machine noise falls on all of them alike. "Added" is the path minus the direct connection: the cost of the hop.',
    command: `node bench/run.mjs ${name}`,
    settings: `${warmup} warm-up and ${rounds * block} measured requests per path, in ${rounds} blocks of ${block} taking turns (each block after ${settle} unrecorded requests); a ${callText().length}-character argument that differs per call.`,
    tables: [
      {
        columns: [
          'path',
          'p50',
          'p95',
          'p99',
          'added p50',
          'added p95',
          'added p99',
          'p50 vs direct',
          'p50 vs relay',
          'added p50 vs relay’s',
          'added p99 vs relay’s',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          formatMicros(p50[id].value),
          formatMicros(p95[id].value),
          formatMicros(p99[id].value),
          formatMicros(p50[id].added),
          formatMicros(p95[id].added),
          formatMicros(p99[id].added),
          formatRatio(p50[id].vsDirect),
          formatRatio(p50[id].vsRelay),
          formatRatio(p50[id].addedVsRelay),
          formatRatio(p99[id].addedVsRelay),
        ]),
      },
    ],
    budgets: [
      checkBudget('roundtrip-p50', p50.shim?.addedVsRelay),
      checkBudget('roundtrip-p99', p99.shim?.addedVsRelay),
      checkBudget(
        'audit-p50',
        shimP50 === undefined || auditP50 === undefined
          ? undefined
          : (auditP50 - shimP50) / shimP50,
      ),
    ],
    notes: [],
    figures: { p50, p99 },
    chart: {
      title: `tools/call round trip, ${rounds * block} sequential requests per path`,
      series: paths.map((path) => ({ label: path.label, samples: samples[path.id] })),
    },
  };
}
