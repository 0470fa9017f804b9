#!/usr/bin/env node
/**
 * Runs the benchmark scenarios (bench/<name>.bench.mjs) and writes the report.
 *   node bench/run.mjs [--quick] [--strict] [--baselines-only] [--peers] [scenario...]
 * A full run of every scenario rewrites docs/benchmarks.md and docs/benchmark-latency.svg;
 * quick or partial runs write bench/results/ instead, so the committed page only ever
 * holds complete, full-length figures.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { BUDGETS, checkBudget, formatBudgetValue } from './lib/budgets.mjs';
import { renderLatencyChart } from './lib/latency-chart.mjs';
import { describeMachine } from './lib/machine.mjs';
import { buildPaths, describeCommand, echoServer, ROOT, shimBuilt } from './lib/paths.mjs';
import { passMark, renderReport } from './lib/report.mjs';
import { peerInstalled, peerPaths, PEERS } from './lib/peers.mjs';
import { renderPeerSection } from './lib/peer-report.mjs';
import console from 'node:console';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

const SCENARIOS = [
  'roundtrip',
  'breakdown',
  'throughput',
  'defences',
  'cold-start',
  'policy',
  'data-size',
  'memory',
  'big-list',
  'state',
];
const FLAGS = ['--quick', '--strict', '--baselines-only', '--peers', '--help'];
const USAGE = `Usage: node bench/run.mjs [--quick] [--strict] [--baselines-only] [--peers] [${SCENARIOS.join('|')}...]
  --quick           a few iterations per scenario, to check the harness (CI); no timing is judged
  --strict          exit 1 when a budget fails
  --baselines-only  run without the shim (dist/bin/mcp-opa-shim.mjs not built yet)
  --peers           add the installed peer gates (bash scripts/install-peers.sh) to the round-trip
                    and cold-start scenarios, and a peer table to the page`;

class UsageError extends Error {}

function parseArguments(argv) {
  const unknown = argv.find((arg) => arg.startsWith('-') && !FLAGS.includes(arg));
  if (unknown !== undefined) throw new UsageError(`Unknown option \`${unknown}\`.\n${USAGE}`);
  const names = argv.filter((arg) => !arg.startsWith('-'));
  const bad = names.find((candidate) => !SCENARIOS.includes(candidate));
  if (bad !== undefined)
    throw new UsageError(`Expected a scenario among ${SCENARIOS.join(', ')}, got \`${bad}\`.`);
  return {
    help: argv.includes('--help'),
    quick: argv.includes('--quick'),
    strict: argv.includes('--strict'),
    baselinesOnly: argv.includes('--baselines-only'),
    peers: argv.includes('--peers'),
    names: names.length > 0 ? names : SCENARIOS,
  };
}

async function main() {
  const options = parseArguments(process.argv.slice(2));
  if (options.help) return console.log(USAGE);
  if (!shimBuilt() && !options.baselinesOnly) {
    throw new Error(
      'Expected the built shim at dist/bin/mcp-opa-shim.mjs, found none. Run `npm run build` first, or pass `--baselines-only`.',
    );
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
  const tmpDir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-bench-'));
  const context = {
    quick: options.quick,
    tmpDir,
    auditFile: (scenario) => join(tmpDir, `${scenario}-audit.jsonl`),
    log: (message) => console.error(`  ${message}`),
    // Scenarios that compare peers pass this to buildPaths; undefined without `--peers`.
    peersDir: options.peers ? (scenario) => join(tmpDir, 'peers', scenario) : undefined,
  };
  if (options.peers) {
    for (const peer of PEERS.filter((candidate) => !peerInstalled(candidate)))
      console.error(`bench: peer ${peer.name} ${peer.version} is not installed; skipped`);
  }
  const scenarios = [];
  const machine = describeMachine();
  try {
    for (const name of options.names) {
      console.error(`bench: ${name}${options.quick ? ' (quick)' : ''}`);
      const started = performance.now();
      const scenario = await import(`./${name}.bench.mjs`);
      let result;
      try {
        result = await scenario.run(context);
      } catch (error) {
        // Record the failure and go on: one broken scenario must not hide the others' figures.
        process.exitCode = 1;
        const message = error instanceof Error ? error.message : String(error);
        console.error(`  FAILED: ${message}`);
        result = failedScenario(scenario, message);
      }
      scenarios.push(result);
      console.error(`  done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
  // Only a full, successful run of every scenario replaces the committed page.
  const complete =
    !options.quick &&
    options.names.length === SCENARIOS.length &&
    shimBuilt() &&
    process.exitCode !== 1;
  const outDir = complete ? join(ROOT, 'docs') : join(ROOT, 'bench', 'results');
  for (const result of scenarios.filter((scenario) => scenario.chart)) {
    const file = join(outDir, 'benchmark-latency.svg');
    writeFileSync(file, renderLatencyChart(result.chart.series, { title: result.chart.title }));
    result.chartFile = relative(outDir, file);
  }
  const analysisFile = join(ROOT, 'bench', 'analysis.md');
  const page = renderReport({
    generatedAt: new Date().toISOString(),
    quick: options.quick,
    machine,
    loadAtEnd: describeMachine().load,
    paths: [
      ...buildPaths(echoServer(), { auditFile: '/tmp/bench/audit.jsonl' }),
      ...(options.peers ? peerPaths(echoServer(), '/tmp/bench/peers', { write: false }) : []),
    ].map((path) => ({
      label: path.label,
      command: describeCommand(path),
    })),
    scenarios,
    ...(options.peers
      ? {
          peerSection: renderPeerSection({
            command: `npm run bench -- --peers${options.quick ? ' --quick' : ''}`,
            peers: PEERS.map((peer) => ({ ...peer, installed: peerInstalled(peer) })),
            roundtrip: scenarios.find((scenario) => scenario.name === 'roundtrip'),
            coldStart: scenarios.find((scenario) => scenario.name === 'cold-start'),
          }),
        }
      : {}),
    ...(complete && existsSync(analysisFile)
      ? { analysis: readFileSync(analysisFile, 'utf8') }
      : {}),
  });
  writeFileSync(join(outDir, 'benchmarks.md'), page);
  writeFileSync(
    join(ROOT, 'bench', 'results', 'results.json'),
    `${JSON.stringify(scenarios.map(withoutSamples), null, 2)}\n`,
  );
  const checks = scenarios.flatMap((scenario) => scenario.budgets);
  for (const check of checks) {
    console.log(
      `${options.quick ? 'not judged' : passMark(check.pass).padEnd(12)}  ${formatBudgetValue(check, check.measured).padStart(9)}  ${check.text}`,
    );
  }
  console.log(`Report: ${relative(ROOT, join(outDir, 'benchmarks.md'))}`);
  if (options.strict && !options.quick && checks.some((check) => check.pass === false))
    process.exitCode = 1;
}

function failedScenario(scenario, message) {
  return {
    name: scenario.name,
    title: scenario.title,
    about: 'This scenario failed; its figures are missing.',
    command: `node bench/run.mjs ${scenario.name}`,
    settings: '',
    tables: [],
    budgets: BUDGETS.filter((budget) => budget.scenario === scenario.name).map((budget) =>
      checkBudget(budget.id, undefined, 'the scenario failed'),
    ),
    notes: [`FAILED: ${message.replaceAll('\n', ' ')}`],
  };
}

function withoutSamples(scenario) {
  const { chart, ...rest } = scenario;
  return { ...rest, ...(chart ? { chart: { title: chart.title } } : {}) };
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = error instanceof UsageError ? 2 : 1;
});
