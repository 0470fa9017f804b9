#!/usr/bin/env node
/**
 * Where the shim's cold start goes: `node bench/startup-trace.mjs [--rounds N]` starts the shim
 * (with DEBUG_MCP_OPA_SHIM_STARTUP=1, src/logging/startup-trace.ts) and the plain relay in turns,
 * each around the bench echo server, writes `initialize` at once, and prints the median time of
 * every start-up milestone (ms since the shim's process began) and of the first answer (ms since
 * the harness's spawn call). Not part of `npm run bench`: a tool for finding start-up costs.
 */
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import console from 'node:console';
import { buildPaths, echoServer } from './lib/paths.mjs';
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

async function start(path) {
  const started = performance.now();
  const running = await startPath(path, { initialize: false });
  try {
    await initializeSession(running.client);
    const firstAnswer = performance.now() - started;
    const marks = running
      .stderrTail()
      .split('\n')
      .map((line) => TRACE_LINE.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ label: match[2], ms: Number(match[1]) }));
    return { firstAnswer, marks };
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
    include: ['direct', 'relay', 'shim'],
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
  const labels = [
    ...new Set(results.shim.flatMap((result) => result.marks.map((mark) => mark.label))),
  ];
  console.log(
    `Shim start-up milestones, median of ${rounds} starts (ms since the shim process began):`,
  );
  console.log('| milestone | ms |\n| --- | ---: |');
  for (const label of labels) {
    const times = results.shim.flatMap((result) =>
      result.marks.filter((mark) => mark.label === label).map((mark) => mark.ms),
    );
    console.log(`| ${label} | ${median(times).toFixed(1)} |`);
  }
  console.log(`\nFirst \`initialize\` answer, median of ${rounds} starts (ms since spawn):`);
  console.log('| path | ms | added over direct |\n| --- | ---: | ---: |');
  for (const path of paths) {
    const added = firstAnswer[path.id] - firstAnswer.direct;
    console.log(`| ${path.label} | ${firstAnswer[path.id].toFixed(1)} | ${added.toFixed(1)} |`);
  }
  const ratio = (firstAnswer.shim - firstAnswer.direct) / (firstAnswer.relay - firstAnswer.direct);
  console.log(`\nShim's added start / relay's added start: ${ratio.toFixed(2)}×`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
