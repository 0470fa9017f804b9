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
import { formatMicros, formatRatio } from './lib/format.mjs';
import { ROOT } from './lib/paths.mjs';
import { summarise } from './lib/stats.mjs';

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

/** The cases compared: a label, the data (undefined: no `--data`) and its JSON size. */
function dataCases() {
  return [
    { label: 'no --data', data: undefined },
    { label: 'realistic --data', data: realisticData(1) },
    { label: 'realistic --data × 10', data: realisticData(10) },
  ];
}

async function engineFor(data, file) {
  const { createPolicyEngine } = await load('policy/create-policy-engine.js');
  if (data !== undefined) writeFileSync(file, JSON.stringify(data));
  return createPolicyEngine({
    policy: { kind: 'embedded' },
    dataFiles: data === undefined ? [] : [file],
    entrypoint: 'mcp/decision',
    watch: false,
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

export async function run({ quick, tmpDir }) {
  const blocks = quick ? 4 : 100;
  const perBlock = quick ? 100 : 500;
  const modules = await loadBuilder();
  const cases = await Promise.all(
    dataCases().map(async (entry, i) => ({
      ...entry,
      bytes: entry.data === undefined ? 0 : JSON.stringify(entry.data).length,
      engine: await engineFor(entry.data, join(tmpDir, `data-size-${i}.json`)),
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
  } finally {
    for (const entry of cases) entry.engine.close();
  }
  const stats = cases.map((entry) => summarise(entry.samples));
  const base = stats[0];
  return {
    name,
    title,
    about:
      'In-process `PolicyEngine.evaluate` of the embedded default policy on the typical `tools/call` input (bench/fixtures/policy-inputs.mjs), with no `--data`, with a realistic data file (bench/fixtures/realistic-data.mjs: 5 trust tiers over 20 principals and 10 servers with tool lists, per-principal allow-lists, 5 argument rules, approval, a disabled method) and with the same data ten times larger. Every decision is an allow. The issue-14 target is a realistic data file costing at most 10% over none.',
    command: `node bench/run.mjs ${name}`,
    settings: `${blocks} blocks of ${perBlock} evaluations per case, cases taking turns, after a warm-up block each.`,
    tables: [
      {
        columns: ['data', 'data JSON', 'Wasm p50', 'Wasm p95', 'Wasm p99', 'p50 vs no data'],
        rows: cases.map((entry, i) => [
          entry.label,
          `${entry.bytes} B`,
          formatMicros(stats[i].p50),
          formatMicros(stats[i].p95),
          formatMicros(stats[i].p99),
          formatRatio(stats[i].p50 / base.p50),
        ]),
      },
    ],
    budgets: [],
    notes: [],
  };
}
