#!/usr/bin/env node
/**
 * An experiment, not a scenario: how much of the shim's RSS is V8's young generation.
 *   node bench/young-generation.mjs [calls] [flags;flags...]
 * Relays `calls` pipelined echo calls (64 in flight) through the plain relay, the shim, and the
 * shim under each `;`-separated set of Node flags (default: `--max-semi-space-size=1`, `=2`, `=4`),
 * one path at a time, and prints each process's RSS after the run and its CPU time per call, then
 * what the RSS holds (bench/lib/memory-sampler.mjs, loaded into each process): V8's young
 * generation (new space, both semi-spaces), its old space, the rest of its heap, its malloced
 * memory (the string table among it), external memory (Buffers), and the rest (code, Wasm, Node).
 */
import console from 'node:console';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';
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
const SAMPLER = fileURLToPath(new URL('lib/memory-sampler.mjs', import.meta.url));
const SAMPLE_MS = 100;
const dir = mkdtempSync(join(tmpdir(), 'young-generation-'));
const shim = [SHIM_MAIN, '--log-level', 'silent'];
const variants = [
  ['plain relay', [PLAIN_RELAY]],
  ['shim', shim],
  ...flagSets.map((flags) => [`shim, node ${flags}`, [...flags.split(' '), ...shim]]),
];

const MiB = (bytes) => (bytes / 2 ** 20).toFixed(1);
const parts = [];
for (const [label, args] of variants) {
  const out = join(dir, `${parts.length}.jsonl`);
  const item = await startPath({
    id: label,
    label,
    command: process.execPath,
    args: ['--import', SAMPLER, ...args, '--', server.command, ...server.args],
    env: { BENCH_MEMORY_OUT: out, BENCH_MEMORY_SAMPLE_MS: String(SAMPLE_MS) },
  });
  try {
    const { elapsed, cpu } = await pipelinedEchoCpu(item, calls);
    const { rss } = readProcMemory(item.pid);
    await sleep(2 * SAMPLE_MS);
    const sample = JSON.parse(readFileSync(out, 'utf8').trimEnd().split('\n').at(-1));
    parts.push({ label, rss, sample });
    console.log(
      `${label.padEnd(40)} RSS ${MiB(rss)} MiB  CPU ${cpu.toFixed(1)} µs/call  ${((calls / elapsed) * 1000).toFixed(0)} calls/s`,
    );
  } finally {
    await item.close();
  }
}
rmSync(dir, { recursive: true, force: true });

console.log('\nWhat the RSS holds after the run (MiB):');
const columns = [
  ['young', ({ sample }) => sample.spaces.new_space.size],
  ['old', ({ sample }) => sample.spaces.old_space.size],
  [
    'other heap',
    ({ sample }) => sample.heapTotal - sample.spaces.new_space.size - sample.spaces.old_space.size,
  ],
  ['malloced', ({ sample }) => sample.malloced],
  ['external', ({ sample }) => sample.external],
  ['rest', ({ rss, sample }) => rss - sample.heapTotal - sample.malloced - sample.external],
];
console.log(['path'.padEnd(40), 'RSS', ...columns.map(([name]) => name)].join('  '));
for (const part of parts) {
  console.log(
    [
      part.label.padEnd(40),
      MiB(part.rss),
      ...columns.map(([name, value]) => MiB(value(part)).padStart(name.length)),
    ].join('  '),
  );
}
