#!/usr/bin/env node
/**
 * An experiment, not a scenario: how much of the shim's RSS is V8's young generation.
 *   node bench/young-generation.mjs [calls] [flags;flags...]
 * Relays `calls` pipelined echo calls (64 in flight) through the plain relay, the shim, and the
 * shim under each `;`-separated set of Node flags (default: `--max-semi-space-size=1`, `=2`, `=4`),
 * one path at a time, and prints each process's RSS after the run and its CPU time per call.
 */
import console from 'node:console';
import process from 'node:process';
import { echoServer, PLAIN_RELAY, SHIM_MAIN } from './lib/paths.mjs';
import { pipelinedEchoCpu } from './lib/echo-pipeline.mjs';
import { readProcMemory } from './lib/proc-memory.mjs';
import { startPath } from './lib/spawn-path.mjs';

const calls = Number(process.argv[2] ?? 300_000);
const flagSets = (
  process.argv[3] ?? '--max-semi-space-size=1;--max-semi-space-size=2;--max-semi-space-size=4'
)
  .split(';')
  .filter(Boolean);
const server = echoServer();
const shim = [SHIM_MAIN, '--log-level', 'silent'];
const variants = [
  ['plain relay', [PLAIN_RELAY]],
  ['shim', shim],
  ...flagSets.map((flags) => [`shim, node ${flags}`, [...flags.split(' '), ...shim]]),
];

for (const [label, args] of variants) {
  const item = await startPath({
    id: label,
    label,
    command: process.execPath,
    args: [...args, '--', server.command, ...server.args],
  });
  try {
    const { elapsed, cpu } = await pipelinedEchoCpu(item, calls);
    const { rss } = readProcMemory(item.pid);
    console.log(
      `${label.padEnd(40)} RSS ${(rss / 2 ** 20).toFixed(1)} MiB  CPU ${cpu.toFixed(1)} µs/call  ${((calls / elapsed) * 1000).toFixed(0)} calls/s`,
    );
  } finally {
    await item.close();
  }
}
