#!/usr/bin/env node
/**
 * In-process comparison of two quota stores (docs/design/state-store.md), one counted call at a
 * time, as the shim judges them: count the calls of one key in the last day, then add one.
 *   node bench/state-store-compare.mjs [calls]
 * - segments: the shim's store (dist/state/counters/quota-segments.js): the in-memory view, one
 *   append per call (written after the turn, as in the shim).
 * - sqlite: better-sqlite3 in WAL mode, a prepared SELECT count(*) and INSERT per call. Not a
 *   dependency of the shim: set BETTER_SQLITE3 to an installed copy's directory to include it.
 * Prints p50 and p99 per call in µs. Build first (`npm run build`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import console from 'node:console';
import process from 'node:process';
import { performance } from 'node:perf_hooks';
import { ROOT } from './lib/paths.mjs';
import { summarise } from './lib/stats.mjs';

const CALLS = Number(process.argv[2] ?? 20000);
const DAY = 86_400_000;
const KEY = 'everything/echo';

async function timeCalls(step) {
  const samples = [];
  for (let index = 0; index < CALLS; index++) {
    const started = performance.now();
    step(index);
    samples.push((performance.now() - started) * 1000);
    // Let deferred writes run between calls, as between messages in the shim.
    if (index % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
  }
  return summarise(samples);
}

async function segments(directory) {
  const module = join(ROOT, 'dist', 'state', 'counters', 'quota-segments.js');
  const { QuotaSegments } = await import(pathToFileURL(module).href);
  const store = QuotaSegments.open(join(directory, 'segments'), DAY, Date.now());
  try {
    return await timeCalls(() => {
      const now = Date.now();
      void store.view(now).counts[KEY];
      store.append(KEY, now);
    });
  } finally {
    store.close();
  }
}

async function sqlite(directory) {
  const from = process.env.BETTER_SQLITE3;
  if (from === undefined) return undefined;
  const Database = createRequire(join(from, 'package.json'))(from);
  const db = new Database(join(directory, 'quota.db'));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE calls (t INTEGER NOT NULL, k TEXT NOT NULL); CREATE INDEX by_key ON calls (k, t);',
  );
  const countSince = db.prepare('SELECT count(*) AS n FROM calls WHERE k = ? AND t > ?');
  const insert = db.prepare('INSERT INTO calls (t, k) VALUES (?, ?)');
  try {
    return await timeCalls(() => {
      const now = Date.now();
      void countSince.get(KEY, now - DAY).n;
      insert.run(now, KEY);
    });
  } finally {
    db.close();
  }
}

const directory = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-store-'));
try {
  for (const [name, run] of [
    ['segments', segments],
    ['sqlite', sqlite],
  ]) {
    const stats = await run(directory);
    if (stats === undefined) console.log(`${name}: skipped (set BETTER_SQLITE3)`);
    else
      console.log(
        `${name}: p50 ${stats.p50.toFixed(2)} µs, p99 ${stats.p99.toFixed(2)} µs (${CALLS} calls)`,
      );
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}
