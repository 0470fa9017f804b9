/**
 * Memory of the relaying process (plain relay or shim; a direct connection has
 * none): VmRSS sampled across 1,000,000 relayed messages, which must stay flat,
 * and VmHWM (peak RSS) of a fresh process relaying one 50 MB tool result.
 */
import { checkBudget } from './lib/budgets.mjs';
import { formatFixed, formatMiB, formatPercent, formatRatio } from './lib/format.mjs';
import { buildPaths, echoServer } from './lib/paths.mjs';
import { procMemoryAvailable, readProcMemory, rssDrift } from './lib/proc-memory.mjs';
import { pipeline, withPaths } from './lib/run-paths.mjs';
import { echoParams, expectEcho } from './lib/spawn-path.mjs';
import { ratio } from './lib/stats.mjs';
import { Buffer } from 'node:buffer';

/** Room for the 50 MB result frame: the shim's default to-client limit is 10 MiB − 64 KiB. */
const BIG_FRAME_LIMIT = 64 * 1024 * 1024;

export const name = 'memory';
export const title = 'Memory';

const RELAYED = ['relay', 'shim', 'shim-audit'];
const WINDOW = 64;
const SAMPLES = 100;
/**
 * The echo texts: `w0` … `w499999` in the warm-up, then `m0` … `m499999`, all distinct and 10
 * characters or fewer. V8's JSON.parse interns string values that short, so the shim (which
 * parses every client request) puts each one in the old space and the string table until the
 * next mark-compact: a saw-tooth the relay, which parses nothing, does not have. The control path
 * runs the same shim on texts of 16+ characters, which JSON.parse does not intern; it has no
 * budget (bench/memory-breakdown.mjs shows the parts).
 */
const SHORT_TEXT = (phase, index) => `${phase}${index}`;
const LONG_TEXT = (phase, index) => `memory-scenario-${phase}${index}`;
const CONTROL = { id: 'shim-long-texts', label: 'shim, 16+ character texts (control)' };

/**
 * Each echo request and its response are two relayed messages. `warmup` messages go first,
 * unmeasured, as in every other scenario: V8 sizes its heap to the load over the first tens of
 * seconds, and that growth is not what "flat" asks about.
 */
async function rssOverMessages(item, messages, warmup, text = SHORT_TEXT) {
  const requests = messages / 2;
  const every = Math.max(1, Math.floor(requests / SAMPLES));
  const samples = [];
  const before = readProcMemory(item.pid).rss;
  await pipeline(
    item.client,
    warmup / 2,
    WINDOW,
    (client, index) => client.requestWhenWritable('tools/call', echoParams(text('w', index))),
    (message, index) => expectEcho(message, text('w', index)),
  );
  const warmed = readProcMemory(item.pid).rss;
  await pipeline(
    item.client,
    requests,
    WINDOW,
    (client, index) => client.requestWhenWritable('tools/call', echoParams(text('m', index))),
    (message, index) => {
      expectEcho(message, text('m', index));
      if ((index + 1) % every === 0)
        samples.push({ messages: (index + 1) * 2, rss: readProcMemory(item.pid).rss });
    },
  );
  return { before, warmed, samples, ...rssDrift(samples, 0) };
}

async function peakForBigResult(item, bytes) {
  const before = readProcMemory(item.pid);
  const { message } = await item.client.request('tools/call', {
    name: 'big',
    arguments: { bytes },
  });
  if (message.result?.content?.[0]?.text?.length !== bytes) {
    throw new Error(
      `Expected a ${bytes}-byte result, got ${JSON.stringify(message).slice(0, 200)}`,
    );
  }
  const after = readProcMemory(item.pid);
  return {
    before: before.rss,
    hwm: after.hwm,
    lineBytes: Buffer.byteLength(JSON.stringify(message)) + 1,
  };
}

export async function run({ quick, auditFile, log }) {
  if (!procMemoryAvailable()) {
    return {
      name,
      title,
      about: 'Needs /proc (Linux).',
      command: `node bench/run.mjs ${name}`,
      settings: 'Skipped: no /proc here.',
      tables: [],
      budgets: [],
      notes: [],
    };
  }
  const messages = quick ? 20_000 : 1_000_000;
  const warmup = quick ? 2_000 : 1_000_000;
  const bigBytes = quick ? 5_000_000 : 50_000_000;
  const paths = buildPaths(echoServer(), { auditFile: auditFile(name), include: RELAYED });
  // The default client-bound frame limit (what SDK clients read) stops a 50 MB result.
  const bigPaths = buildPaths(echoServer(), {
    auditFile: auditFile(`${name}-big`),
    include: RELAYED,
    shimOptions: ['--max-frame-bytes-to-client', String(BIG_FRAME_LIMIT)],
  });
  const flat = {};
  const peak = {};
  for (const path of paths) {
    log(`${path.label}: ${messages} messages`);
    flat[path.id] = await withPaths([path], ([item]) =>
      rssOverMessages(item, messages, warmup).catch((error) => Promise.reject(item.explain(error))),
    );
    const bigPath = bigPaths.find((candidate) => candidate.id === path.id);
    peak[path.id] = await withPaths([bigPath], ([item]) =>
      peakForBigResult(item, bigBytes).catch((error) => Promise.reject(item.explain(error))),
    );
  }
  const shimPath = paths.find(({ id }) => id === 'shim');
  const rows = paths.map(({ id, label }) => ({ id, label }));
  if (shimPath !== undefined) {
    const control = { ...shimPath, ...CONTROL };
    log(`${control.label}: ${messages} messages`);
    flat[control.id] = await withPaths([control], ([item]) =>
      rssOverMessages(item, messages, warmup, LONG_TEXT).catch((error) =>
        Promise.reject(item.explain(error)),
      ),
    );
    rows.push(CONTROL);
  }
  const vsRelay = (id, pick) =>
    formatRatio(ratio(pick(id), flat.relay === undefined ? undefined : pick('relay')));
  return {
    name,
    title,
    about: `RSS of the relaying process (a direct connection has none, so the plain relay is the baseline). Flat: after ${warmup.toLocaleString('en-US')} warm-up messages, ${messages.toLocaleString('en-US')} relayed messages (echo requests and their answers, ${WINDOW} in flight), VmRSS from /proc sampled ${SAMPLES} times; drift is (max − min) / min over those samples. The warm-up is there because V8 grows its young generation to the load over the first tens of seconds (up to 32 MB of semi-spaces here); in runs with the warm-up as the first 10% of the measured messages instead, that growth showed up as 15-45% of drift without any leak (bench/analysis.md). V8 doubles the young generation when the bytes surviving its scavenges (in the shim: the requests in flight) add up to its size, so the last doubling (16 to 32 MiB, about 13 MiB of RSS) can come after the warm-up. The texts echoed are distinct and 10 characters or fewer (\`w0\` … \`w${warmup / 2 - 1}\` in the warm-up, then \`m0\` … \`m${messages / 2 - 1}\`): V8's JSON.parse interns string values that short, so the shim, which parses each request, leaves each text in the old space and V8's string table until the next mark-compact; the last row, which has no budget, runs the shim on texts of 16+ characters, which are not interned. Peak: a fresh process relays one tool result of ${bigBytes.toLocaleString('en-US')} bytes of text (the shim with \`--max-frame-bytes-to-client ${BIG_FRAME_LIMIT}\`, above its default); VmHWM after it.`,
    command: `node bench/run.mjs ${name}`,
    settings:
      'Each path runs alone (one at a time), so the memory of one does not disturb another.',
    tables: [
      {
        caption: 'RSS across the relayed messages:',
        columns: [
          'path',
          'RSS at start',
          'RSS after warm-up',
          'min',
          'max',
          'RSS at 25 / 50 / 75 / 100% of the messages',
          'drift',
          'max vs relay',
        ],
        rows: rows.map(({ id, label }) => [
          label,
          formatMiB(flat[id].before),
          formatMiB(flat[id].warmed),
          formatMiB(flat[id].min),
          formatMiB(flat[id].max),
          [0.25, 0.5, 0.75, 1]
            .map((share) => flat[id].samples[Math.ceil(flat[id].samples.length * share) - 1]?.rss)
            .map((rss) => formatFixed(rss / 2 ** 20, 1))
            .join(' / ') + ' MiB',
          formatPercent(flat[id].drift),
          vsRelay(id, (key) => flat[key].max),
        ]),
      },
      {
        caption: `Peak RSS relaying one ${formatMiB(bigBytes)} result:`,
        columns: [
          'path',
          'message',
          'RSS before',
          'peak RSS (VmHWM)',
          'peak / message',
          '(peak − before) / message',
          'peak vs relay',
        ],
        rows: paths.map(({ id, label }) => [
          label,
          formatMiB(peak[id].lineBytes),
          formatMiB(peak[id].before),
          formatMiB(peak[id].hwm),
          formatRatio(peak[id].hwm / peak[id].lineBytes),
          formatRatio((peak[id].hwm - peak[id].before) / peak[id].lineBytes),
          vsRelay(id, (key) => peak[key].hwm),
        ]),
      },
    ],
    budgets: [
      checkBudget('rss-flat', flat.shim?.drift),
      checkBudget('rss-flat-audit', flat['shim-audit']?.drift),
      checkBudget(
        'rss-peak',
        peak.shim === undefined ? undefined : peak.shim.hwm / peak.shim.lineBytes,
        'whole-process peak, Node runtime included',
      ),
    ],
    notes: [],
  };
}
