/**
 * Big lists: a `tools/list` of 1,000 tools. The shim asks the policy once per
 * listed tool (`operation.listing = true`) and drops what it does not allow,
 * so this is the cost of filtering, per list and per tool.
 */
import { compareStat } from './lib/baselines.mjs';
import { formatMicros, formatMillis, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { interleave, withPaths } from './lib/run-paths.mjs';
import { summarise } from './lib/stats.mjs';
import { Buffer } from 'node:buffer';

export const name = 'big-list';
export const title = 'Big lists';

const TOOLS = 1000;

async function timedList(item) {
  const { message, sentAt, receivedAt } = await item.client.request('tools/list', {});
  const tools = message.result?.tools;
  if (!Array.isArray(tools))
    throw new Error(`Expected a tools/list result, got ${JSON.stringify(message).slice(0, 200)}`);
  return {
    ms: receivedAt - sentAt,
    count: tools.length,
    bytes: Buffer.byteLength(JSON.stringify(message)),
  };
}

export async function run({ quick, auditFile }) {
  const warmup = quick ? 3 : 30;
  const block = quick ? 5 : 30;
  const rounds = quick ? 2 : 10;
  const paths = buildPaths(echoServer(['--tools', String(TOOLS)]), { auditFile: auditFile(name) });
  const results = await withPaths(paths, async (running) => {
    await interleave(running, 1, timedList, warmup);
    return interleave(running, rounds, timedList, block);
  });
  const direct = results.direct[0];
  if (direct?.count !== TOOLS)
    throw new Error(`Expected the fixture to list ${TOOLS} tools, got ${direct?.count}`);
  const stats = Object.fromEntries(
    paths.map((path) => [path.id, summarise(results[path.id].map((result) => result.ms))]),
  );
  const p50 = compareStat(paths, stats, 'p50');
  const p95 = compareStat(paths, stats, 'p95');
  return {
    name,
    title,
    about: `Sequential \`tools/list\` requests answered with ${TOOLS} tools (${Math.round(direct.bytes / 1024)} KiB of JSON), paths taking turns in blocks. "Per tool" is the added p50 divided by the number of tools: the filtering cost of one listed item.`,
    command: `node bench/run.mjs ${name}`,
    settings: `${warmup} warm-up and ${rounds * block} measured lists per path, in ${rounds} blocks of ${block} taking turns.`,
    tables: [
      {
        columns: [
          'path',
          'tools returned',
          'p50',
          'p95',
          'added p50',
          'added p95',
          'added p50 per tool',
          'p50 vs direct',
          'p50 vs relay',
          'added p50 vs relay’s',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          results[id][0].count,
          formatMillis(p50[id].value, 2),
          formatMillis(p95[id].value, 2),
          formatMillis(p50[id].added, 2),
          formatMillis(p95[id].added, 2),
          formatMicros(p50[id].added === undefined ? undefined : (p50[id].added * 1000) / TOOLS),
          formatRatio(p50[id].vsDirect),
          formatRatio(p50[id].vsRelay),
          formatRatio(p50[id].addedVsRelay),
        ]),
      },
    ],
    budgets: [],
    notes: [
      'Issue 5 sets no budget for lists; the per-tool figure should stay near one policy evaluation (see Policy alone).',
    ],
  };
}
