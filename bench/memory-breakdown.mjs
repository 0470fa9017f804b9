#!/usr/bin/env node
/**
 * An experiment, not a scenario: what the relaying process's RSS is made of, and what moves.
 *   node bench/memory-breakdown.mjs [calls]
 * Relays `calls` pipelined echo calls (64 in flight; default 1,000,000, the memory scenario's
 * 500,000 warm-up calls and its 500,000 measured ones) through each path, one at a time, with
 * bench/lib/memory-sampler.mjs loaded into the relaying process. Prints, over the second half
 * (the scenario's measured one), the range of RSS (from /proc) and of what V8 reports beside it,
 * then at the end each part's difference from the plain relay.
 * Paths: the plain relay, the shim and the shim with an audit log, with the memory scenario's
 * echo texts (`m0`, `m1`, …: 10 characters or fewer, distinct), and the shim with texts of 16+
 * characters: V8's JSON.parse interns string values of 10 characters or fewer, and an interned
 * string lives in the old space and the string table (malloced) until the next mark-compact.
 */
import console from 'node:console';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { echoServer, PLAIN_RELAY, SHIM_MAIN } from './lib/paths.mjs';
import { readProcMemory } from './lib/proc-memory.mjs';
import { pipeline } from './lib/run-paths.mjs';
import { echoParams, expectEcho, startPath } from './lib/spawn-path.mjs';

const SAMPLER = fileURLToPath(new URL('lib/memory-sampler.mjs', import.meta.url));
const calls = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'memory-breakdown-'));
const server = echoServer();
const shim = [SHIM_MAIN, '--log-level', 'silent'];
const SHORT = (index) => `m${index}`;
const LONG = (index) => `memory-breakdown-${index}`;
const variants = [
  ['plain relay', [PLAIN_RELAY], SHORT],
  ['shim', shim, SHORT],
  ['shim, 16+ character texts', shim, LONG],
  ['shim + audit log', [...shim, '--audit-log', join(dir, 'audit.jsonl')], SHORT],
];

const MiB = (bytes) => (bytes / 2 ** 20).toFixed(1);
const range = (values) => `${MiB(Math.min(...values))}-${MiB(Math.max(...values))}`;

async function measure(label, args, text) {
  const out = join(dir, 'samples.jsonl');
  writeFileSync(out, '');
  const item = await startPath({
    id: label,
    label,
    command: process.execPath,
    args: ['--import', SAMPLER, ...args, '--', server.command, ...server.args],
    env: { BENCH_MEMORY_OUT: out },
  });
  const points = [];
  const every = Math.max(1, Math.floor(calls / 100));
  const lastSample = () => JSON.parse(readFileSync(out, 'utf8').trimEnd().split('\n').at(-1));
  try {
    const started = performance.now();
    await pipeline(
      item.client,
      calls,
      64,
      (client, index) => client.requestWhenWritable('tools/call', echoParams(text(index))),
      (message, index) => {
        expectEcho(message, text(index));
        if ((index + 1) % every === 0 && index + 1 > calls / 2)
          points.push({ rss: readProcMemory(item.pid).rss, ...lastSample() });
      },
    );
    const rate = calls / ((performance.now() - started) / 1000);
    return { label, rate, points };
  } finally {
    await item.close();
  }
}

const results = [];
for (const [label, args, text] of variants) {
  const result = await measure(label, args, text).catch((error) => {
    console.error(`${label}: ${error.message}`);
    return undefined;
  });
  if (result !== undefined) results.push(result);
}
rmSync(dir, { recursive: true, force: true });

const pick = {
  rss: (point) => point.rss,
  young: (point) => point.spaces.new_space.size,
  oldUsed: (point) => point.spaces.old_space.used,
  oldSize: (point) => point.spaces.old_space.size,
  malloced: (point) => point.malloced,
  external: (point) => point.external,
};
console.log(
  `Second half of ${calls.toLocaleString('en-US')} calls (MiB, min-max; young = new space size, both semi-spaces):`,
);
console.log(
  [
    'path'.padEnd(28),
    'calls/s'.padStart(7),
    'RSS'.padStart(12),
    'drift',
    'young'.padStart(10),
    'old used'.padStart(10),
    'old after MC'.padStart(12),
    'malloced'.padStart(10),
    'external'.padStart(9),
    'MCs',
  ].join('  '),
);
for (const { label, rate, points } of results) {
  const rss = points.map(pick.rss);
  const drift = (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss);
  const first = points[0];
  const last = points.at(-1);
  const afterMc = points.map((point) => point.oldAfterMarkCompact).filter(Number.isFinite);
  console.log(
    [
      label.padEnd(28),
      rate.toFixed(0).padStart(7),
      range(rss).padStart(12),
      `${(drift * 100).toFixed(1)}%`.padStart(5),
      range(points.map(pick.young)).padStart(10),
      range(points.map(pick.oldUsed)).padStart(10),
      (afterMc.length === 0 ? 'n/a' : range(afterMc)).padStart(12),
      range(points.map(pick.malloced)).padStart(10),
      range(points.map(pick.external)).padStart(9),
      String(last.markCompacts - first.markCompacts).padStart(3),
    ].join('  '),
  );
}

const relay = results.find(({ label }) => label === 'plain relay')?.points.at(-1);
if (relay !== undefined) {
  console.log('\nAt the end, each part minus the plain relay’s (MiB):');
  const rest = (point) => point.rss - point.heapTotal - point.malloced - point.external;
  const parts = [
    ['RSS', pick.rss],
    ['young', pick.young],
    ['old', pick.oldSize],
    ['other heap', (point) => point.heapTotal - pick.young(point) - pick.oldSize(point)],
    ['malloced', pick.malloced],
    ['external', pick.external],
    ['rest (code, Wasm, Node)', rest],
  ];
  console.log(['path'.padEnd(28), ...parts.map(([name]) => name.padStart(10))].join('  '));
  for (const { label, points } of results) {
    const end = points.at(-1);
    console.log(
      [
        label.padEnd(28),
        ...parts.map(([, part]) => {
          const delta = part(end) - part(relay);
          return `${delta >= 0 ? '+' : ''}${MiB(delta)}`.padStart(10);
        }),
      ].join('  '),
    );
  }
}
