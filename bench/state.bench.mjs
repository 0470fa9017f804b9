/**
 * State: what rate limits and quotas (docs/rate-limits.md) add to a tools/call round trip. The
 * same sequential echo calls as the roundtrip scenario, through the shim without limits, with a
 * rate limit (in-memory window), and with a rate limit and a persisted quota (one append to the
 * shim's quota segment per call), against direct and the plain relay in the same run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { compareStat } from './lib/baselines.mjs';
import { checkBudget } from './lib/budgets.mjs';
import { formatChange, formatMicros, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer, SHIM_MAIN } from './lib/paths.mjs';
import { interleave, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { summarise } from './lib/stats.mjs';

export const name = 'state';
export const title = 'Rate limits and quotas';

const TEXT = 'Summarise the open pull requests of the repository, newest first.';
/** High enough never to trip: the scenario measures the counting, not the denial. */
const RATE_DATA = 'rate_limits:\n  - { tool: echo, per_minute: 100000000 }\n';
/** A control: data the default policy reads on every call, but no limit. */
const OTHER_DATA = 'disabled_methods: [example/disabled]\n';
const QUOTA_DATA = `${RATE_DATA}quotas:\n  - { tool: echo, per_day: 100000000 }\n`;

async function timedEcho(item) {
  const { message, sentAt, receivedAt } = await item.client.request('tools/call', echoParams(TEXT));
  expectEcho(message, TEXT);
  return (receivedAt - sentAt) * 1000;
}

/**
 * Shim processes per configuration. One process's p50 moves with where it runs: two processes of
 * one configuration differed by up to 16 µs (about 13%) in paired runs on the benchmark host,
 * more than the budget allows. The samples of a configuration's processes are pooled; the page
 * gives the spread of their p50s.
 */
const REPLICAS = 3;

/** The id a replica's samples are pooled under. */
const configOf = (id) => id.replace(/@\d+$/, '');

function statePaths(tmpDir, auditFile, replicas) {
  const base = buildPaths(echoServer(), { auditFile, include: ['direct', 'relay', 'shim'] });
  const shim = base.find((path) => path.id === 'shim');
  if (shim === undefined) return base;
  const server = echoServer();
  const rateFile = join(tmpDir, 'state-rate.yaml');
  const quotaFile = join(tmpDir, 'state-quota.yaml');
  const otherFile = join(tmpDir, 'state-other.yaml');
  writeFileSync(otherFile, OTHER_DATA);
  writeFileSync(rateFile, RATE_DATA);
  writeFileSync(quotaFile, QUOTA_DATA);
  const withData = (id, label, options) => ({
    id,
    label,
    command: process.execPath,
    args: [SHIM_MAIN, '--log-level', 'silent', ...options, '--', server.command, ...server.args],
    relayed: true,
  });
  // Two shims of one principal sharing a quota store: each then writes every call right after
  // forwarding it (docs/design/state-store.md), where a shim alone holds 5 ms of calls.
  const sharedDir = join(tmpDir, 'state-shared');
  mkdirSync(sharedDir, { recursive: true });
  const shared = ['--data', quotaFile, '--state-dir', sharedDir];
  // Each replica of the quota configuration has a store of its own: alone, as measured.
  const quotaOptions = (replica) => {
    const stateDir = join(tmpDir, `state-${String(replica)}`);
    mkdirSync(stateDir, { recursive: true });
    return ['--data', quotaFile, '--state-dir', stateDir];
  };
  const replicated = (id, label, options) =>
    Array.from({ length: replicas }, (_, index) => ({
      ...withData(index === 0 ? id : `${id}@${String(index + 1)}`, label, options(index)),
    }));
  const [direct, relay] = base.filter((path) => path.id !== 'shim');
  return [
    ...[direct, relay].filter((path) => path !== undefined),
    ...Array.from({ length: replicas }, (_, index) =>
      index === 0 ? shim : { ...shim, id: `shim@${String(index + 1)}` },
    ),
    ...replicated('shim-data', 'shim + data without limits', () => ['--data', otherFile]),
    ...replicated('shim-rate', 'shim + rate limit', () => ['--data', rateFile]),
    ...replicated('shim-state', 'shim + rate limit + quota', quotaOptions),
    withData('shim-shared', 'shim + rate limit + quota, store shared with the next', shared),
    withData(
      'shim-shared-2',
      'shim + rate limit + quota, store shared with the one before',
      shared,
    ),
  ];
}

export async function run({ quick, tmpDir, auditFile }) {
  const warmup = quick ? 50 : 2000;
  const block = quick ? 50 : 100;
  const rounds = quick ? 4 : 100;
  const settle = 10;
  const replicas = quick ? 1 : REPLICAS;
  const started = statePaths(tmpDir, auditFile(name), replicas);
  const samples = await withPaths(started, async (running) => {
    await interleave(running, 1, timedEcho, warmup);
    return interleave(running, rounds, timedEcho, block, settle);
  });
  // One row per configuration, its processes' samples pooled.
  const paths = started.filter((path) => configOf(path.id) === path.id);
  const pooled = (id) =>
    started.filter((path) => configOf(path.id) === id).flatMap((path) => samples[path.id]);
  const stats = Object.fromEntries(paths.map((path) => [path.id, summarise(pooled(path.id))]));
  const spread = (id) => {
    const each = started
      .filter((path) => configOf(path.id) === id)
      .map((path) => summarise(samples[path.id]).p50);
    return each.length < 2
      ? ''
      : `${formatMicros(Math.min(...each))}-${formatMicros(Math.max(...each))}`;
  };
  const [p50, p99] = ['p50', 'p99'].map((key) => compareStat(paths, stats, key));
  const over = (id) => {
    const without = stats.shim?.p50;
    const withState = stats[id]?.p50;
    return without === undefined || withState === undefined
      ? undefined
      : (withState - without) / without;
  };
  return {
    name,
    title,
    about:
      'Sequential `tools/call` requests (one in flight) to the echo tool, as in the round trip, with `--data` configuring a rate limit and a quota on the tool that never trip. The rate limit is an in-memory sliding window; the quota appends each counted call to the shim’s own segment file under `--state-dir`: one write per 5 ms of traffic for a shim alone, one per call, after forwarding it, while another shim of the principal shares the store (the last two rows; docs/design/state-store.md). "vs shim" is the p50 over the shim without limits; the budget is judged on the shim alone.',
    command: `node bench/run.mjs ${name}`,
    settings: `${warmup} warm-up and ${rounds * block} measured requests per process, in ${rounds} blocks of ${block} taking turns (each block after ${settle} unrecorded requests); ${String(replicas)} shim processes per configuration (the last two rows: one each), their samples pooled.`,
    tables: [
      {
        columns: [
          'path',
          'p50',
          'p99',
          'added p50',
          'p50 vs direct',
          'p50 vs relay',
          'p50 vs shim',
          'p50 of each process',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          formatMicros(p50[id].value),
          formatMicros(p99[id].value),
          formatMicros(p50[id].added),
          formatRatio(p50[id].vsDirect),
          formatRatio(p50[id].vsRelay),
          id.startsWith('shim-') ? formatChange(over(id)) : '',
          spread(id),
        ]),
      },
    ],
    budgets: [checkBudget('state-p50', over('shim-state'))],
    notes: [],
  };
}
