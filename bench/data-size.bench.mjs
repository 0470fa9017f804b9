/**
 * Data size: in-process evaluation of the embedded default policy with no `--data`, with a
 * realistic data file (tiers, per-principal allow-lists, argument rules, approval) and with the
 * same data ten times larger, on the typical `tools/call` input. Engines take turns in blocks,
 * so machine noise falls on all of them alike. Every decision is checked to be an allow.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';
import { policyInputStreams } from './fixtures/policy-inputs.mjs';
import { realisticData } from './fixtures/realistic-data.mjs';
import { formatFixed, formatMicros, formatRate, formatRatio } from './lib/format.mjs';
import { echoServer, ROOT, SHIM_MAIN } from './lib/paths.mjs';
import { pipelinedEchoCpu } from './lib/echo-pipeline.mjs';
import { interleave, withPaths } from './lib/run-paths.mjs';
import { median, summarise } from './lib/stats.mjs';

export const name = 'data-size';
export const title = 'Policy data size';

const DIST = join(ROOT, 'dist');

const load = (path) => import(pathToFileURL(join(DIST, ...path.split('/'))).href);

async function loadBuilder() {
  const [build, context, session] = await Promise.all([
    load('input/build-input.js'),
    load('input/input-context.js'),
    load('session/session.js'),
  ]);
  return { ...build, ...context, ...session };
}

/**
 * The cases compared: a label and the data (undefined: no `--data`); then each key alone. Each
 * engine is loaded as the shim loads it, with the run's principal and server (so the default
 * policy's per-process plan is computed at load), except `planned: false`: the realistic data
 * as `opa eval`, an OPA server or `--rules` evaluate it, every value computed per message.
 */
function dataCases() {
  const realistic = realisticData(1);
  return [
    { label: 'no --data', data: undefined },
    { label: 'realistic --data', data: realistic },
    { label: 'realistic --data, no plan', data: realistic, planned: false },
    { label: 'realistic --data × 10', data: realisticData(10) },
    { label: 'tiers and trust_tiers only', data: pick(realistic, 'tiers', 'trust_tiers') },
    {
      label: 'one tier, one server, one principal',
      data: {
        trust_tiers: { developer: ['alice'] },
        tiers: { developer: { servers: { echo: {} } } },
      },
    },
    { label: 'allowed_tools only', data: pick(realistic, 'allowed_tools') },
    { label: 'argument_rules only', data: pick(realistic, 'argument_rules') },
    { label: 'argument_rules × 10 only', data: pick(realisticData(10), 'argument_rules') },
    { label: 'approval only', data: pick(realistic, 'approval') },
    { label: 'disabled_methods only', data: pick(realistic, 'disabled_methods') },
  ];
}

const pick = (data, ...keys) => Object.fromEntries(keys.map((key) => [key, data[key]]));

/** `identity`: the principal and server id of the stream's inputs, as the shim's config holds them. */
async function engineFor(data, file, identity) {
  const { createPolicyEngine } = await load('policy/create-policy-engine.js');
  if (data !== undefined) writeFileSync(file, JSON.stringify(data));
  return createPolicyEngine({
    policy: { kind: 'embedded' },
    dataFiles: data === undefined ? [] : [file],
    entrypoint: 'mcp/decision',
    watch: false,
    ...identity,
  });
}

/** Times `count` evaluations into `samples` from `offset`; each one must allow. */
function timeBlock(engine, stream, samples, offset, count) {
  for (let index = offset; index < offset + count; index++) {
    const input = stream.next(index);
    const started = process.hrtime.bigint();
    const decision = engine.evaluate(input);
    samples[index] = Number(process.hrtime.bigint() - started) / 1000;
    if (decision.allow !== true)
      throw new Error(`Expected an allow, got ${JSON.stringify(decision)}`);
    stream.session.recordOperation(input.operation.type, input.operation.name, true);
  }
}

/**
 * The shim end to end: pipelined echo calls (64 in flight) as `alice` (role developer) on server
 * `echo`, with no data and with the realistic data, taking turns; the rate and the shim's CPU
 * time per call (from /proc, which does not depend on the machine's load).
 */
async function throughput(dataFile, { rounds, calls }) {
  const server = echoServer();
  const identity = ['--principal', 'alice', '--role', 'developer', '--server-id', 'echo'];
  const path = (id, label, extra) => ({
    id,
    label,
    command: process.execPath,
    args: [
      SHIM_MAIN,
      '--log-level',
      'silent',
      ...identity,
      ...extra,
      '--',
      server.command,
      ...server.args,
    ],
    relayed: true,
  });
  const paths = [
    path('none', 'shim, no --data', []),
    path('realistic', 'shim, realistic --data', ['--data', dataFile]),
  ];
  return withPaths(paths, async (items) => {
    const step = async (item) => {
      const { elapsed, cpu } = await pipelinedEchoCpu(item, calls);
      return { rate: (calls / elapsed) * 1000, cpu };
    };
    for (const item of items) await step(item); // warm-up round
    const results = await interleave(items, rounds, step);
    return paths.map((entry) => ({
      label: entry.label,
      rate: median(results[entry.id].map((result) => result.rate)),
      cpu: median(results[entry.id].map((result) => result.cpu)),
    }));
  });
}

export async function run({ quick, tmpDir }) {
  const blocks = quick ? 4 : 100;
  const perBlock = quick ? 100 : 500;
  const modules = await loadBuilder();
  const { principal, server } = policyInputStreams(modules)[0].next(0);
  const identity = { principal, serverId: server.id };
  const cases = await Promise.all(
    dataCases().map(async (entry, i) => ({
      ...entry,
      bytes: entry.data === undefined ? 0 : JSON.stringify(entry.data).length,
      engine: await engineFor(
        entry.data,
        join(tmpDir, `data-size-${i}.json`),
        entry.planned === false ? {} : identity,
      ),
      // The `tools/call` stream: one session per engine, as each would be its own shim.
      stream: policyInputStreams(modules)[0],
      samples: new Float64Array(blocks * perBlock),
    })),
  );
  try {
    for (const entry of cases) timeBlock(entry.engine, entry.stream, entry.samples, 0, perBlock); // warm-up
    for (let block = 0; block < blocks; block++)
      for (const entry of cases)
        timeBlock(entry.engine, entry.stream, entry.samples, block * perBlock, perBlock);
    for (const entry of cases) entry.memory = entry.engine.wasmMemoryBytes();
  } finally {
    for (const entry of cases) entry.engine.close();
  }
  const stats = cases.map((entry) => summarise(entry.samples));
  const endToEnd = await throughput(join(tmpDir, 'data-size-1.json'), {
    rounds: quick ? 1 : 5,
    calls: quick ? 500 : 20_000,
  });
  const base = stats[0];
  return {
    name,
    title,
    about:
      'In-process `PolicyEngine.evaluate` of the embedded default policy on the typical `tools/call` input (bench/fixtures/policy-inputs.mjs), with no `--data`, with a realistic data file (bench/fixtures/realistic-data.mjs: 5 trust tiers over 20 principals and 10 servers with tool lists, per-principal allow-lists, 5 argument rules, approval, a disabled method), with the same data ten times larger, and with each of its keys alone. The last column is the Wasm linear memory each engine has grown to after all its evaluations. Every decision is an allow. The issue-14 target is a realistic data file costing at most 10% over none.',
    command: `node bench/run.mjs ${name}`,
    settings: `${blocks} blocks of ${perBlock} evaluations per case, cases taking turns, after a warm-up block each.`,
    tables: [
      {
        columns: [
          'data',
          'data JSON',
          'Wasm p50',
          'Wasm p95',
          'Wasm p99',
          'p50 vs no data',
          'Wasm memory after the run',
        ],
        rows: cases.map((entry, i) => [
          entry.label,
          `${entry.bytes} B`,
          formatMicros(stats[i].p50),
          formatMicros(stats[i].p95),
          formatMicros(stats[i].p99),
          formatRatio(stats[i].p50 / base.p50),
          `${formatFixed(entry.memory / 1024, 0)} KiB`,
        ]),
      },
    ],
    budgets: [],
    notes: [
      `End to end (the shim relaying pipelined echo calls, 64 in flight, as \`--principal alice --role developer --server-id echo\`, the two shims taking turns, the median of ${quick ? 1 : 5} rounds of ${quick ? 500 : 20_000} calls): ` +
        endToEnd
          .map(
            (entry) =>
              `${entry.label} ${formatRate(entry.rate)} at ${formatMicros(entry.cpu)} of shim CPU per call`,
          )
          .join('; ') +
        `; with the data the rate is ${formatRatio(endToEnd[1].rate / endToEnd[0].rate)} and the CPU per call ${formatRatio(endToEnd[1].cpu / endToEnd[0].cpu)} of no data's.`,
    ],
  };
}
