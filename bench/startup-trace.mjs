#!/usr/bin/env node
/**
 * Where the shim's cold start goes: `node bench/startup-trace.mjs [--rounds N]` starts the shim
 * (with DEBUG_MCP_OPA_SHIM_STARTUP=1, src/logging/startup-trace.ts) and the plain relay in turns,
 * each around the bench echo server, writes `initialize` at once, and prints the median time of
 * every start-up milestone (ms since the shim's process began) and of the first answer (ms since
 * the harness's spawn call). With `BENCH_BASE_SHIM_MAIN` (bench/lib/paths.mjs) the base build
 * takes turns too, for a before/after under the same load. Each path's main-thread CPU time up
 * to the first answer (Linux: /proc/<pid>/schedstat) depends far less on the machine's load than
 * its wall time. Not part of `npm run bench`: a tool for finding start-up costs.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import console from 'node:console';
import { BASE_SHIM_MAIN, buildPaths, echoServer } from './lib/paths.mjs';
import { initializeSession, startPath } from './lib/spawn-path.mjs';
import { median } from './lib/stats.mjs';

const TRACE_LINE = /^mcp-opa-shim: startup-trace (\d+(?:\.\d+)?) (.+)$/;

function parseRounds(argv) {
  const index = argv.indexOf('--rounds');
  if (index === -1) return 20;
  const rounds = Number(argv[index + 1]);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(
      `Expected \`--rounds\` to be a whole number of 1 or more, got \`${argv[index + 1]}\`.`,
    );
  return rounds;
}

/** Milliseconds the process's main thread has run, or NaN where /proc is not there to say. */
function mainThreadCpuMs(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

async function start(path) {
  const started = performance.now();
  const running = await startPath(path, { initialize: false });
  try {
    await initializeSession(running.client);
    const firstAnswer = performance.now() - started;
    const cpu = mainThreadCpuMs(running.pid);
    const marks = running
      .stderrTail()
      .split('\n')
      .map((line) => TRACE_LINE.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ label: match[2], ms: Number(match[1]) }));
    return { firstAnswer, cpu, marks };
  } catch (error) {
    throw running.explain(error);
  } finally {
    await running.close();
  }
}

async function main() {
  const rounds = parseRounds(process.argv.slice(2));
  const paths = buildPaths(echoServer(), {
    auditFile: '/dev/null',
    include: ['direct', 'relay', 'shim', ...(BASE_SHIM_MAIN === undefined ? [] : ['base-shim'])],
    env: { DEBUG_MCP_OPA_SHIM_STARTUP: '1' },
  });
  const results = Object.fromEntries(paths.map((path) => [path.id, []]));
  for (const path of paths) await start(path); // fills the OS page cache
  for (let round = 0; round < rounds; round++) {
    for (let offset = 0; offset < paths.length; offset++) {
      const path = paths[(round + offset) % paths.length];
      results[path.id].push(await start(path));
    }
  }
  const firstAnswer = Object.fromEntries(
    paths.map((path) => [path.id, median(results[path.id].map((result) => result.firstAnswer))]),
  );
  const shims = paths.filter((path) => path.id.includes('shim'));
  const labels = [
    ...new Set(results.shim.flatMap((result) => result.marks.map((mark) => mark.label))),
  ];
  console.log(
    `Shim start-up milestones, median of ${rounds} starts (ms since the shim process began):`,
  );
  console.log(`| milestone | ${shims.map((path) => path.label).join(' | ')} |`);
  console.log(`| --- |${' ---: |'.repeat(shims.length)}`);
  for (const label of labels) {
    const cells = shims.map((path) => {
      const times = results[path.id].flatMap((result) =>
        result.marks.filter((mark) => mark.label === label).map((mark) => mark.ms),
      );
      return times.length === 0 ? '–' : median(times).toFixed(1);
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  }
  console.log(
    `\nFirst \`initialize\` answer, median of ${rounds} starts (ms since spawn; CPU: the path's main thread up to then):`,
  );
  console.log(
    '| path | ms | added over direct | added / relay’s | main-thread CPU ms |\n| --- | ---: | ---: | ---: | ---: |',
  );
  const relayAdded = firstAnswer.relay - firstAnswer.direct;
  for (const path of paths) {
    const added = firstAnswer[path.id] - firstAnswer.direct;
    const cpu = median(results[path.id].map((result) => result.cpu));
    console.log(
      `| ${path.label} | ${firstAnswer[path.id].toFixed(1)} | ${added.toFixed(1)} | ${(added / relayAdded).toFixed(2)}× | ${cpu.toFixed(1)} |`,
    );
  }
  const ratio = (firstAnswer.shim - firstAnswer.direct) / relayAdded;
  console.log(`\nShim's added start / relay's added start: ${ratio.toFixed(2)}×`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
