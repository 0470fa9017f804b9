/**
 * Where one round trip's CPU goes: sequential `tools/call` echo requests (one in flight) through
 * the plain relay, the shim and the shim with an audit log, each process measured from inside by
 * bench/lib/window-probe.mjs over the measured calls only (after warm-up): a V8 CPU profile whose
 * samples are sorted into the stages a message passes, the process's CPU time, every garbage
 * collection with the heap before and after it, and (in a second process of each path, since
 * async_hooks slows it) the event-loop callbacks run per round trip.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { formatFixed, formatMicros, formatRatio } from './lib/format.mjs';
import { summarise } from './lib/stats.mjs';
import { allocatedBytes, STAGES, stageBytes, stageMicros } from './lib/profile-stages.mjs';
import { echoServer, ROOT } from './lib/paths.mjs';
import { echoParams, expectEcho, startPath } from './lib/spawn-path.mjs';

export const name = 'breakdown';
export const title = 'Round trip breakdown';

const PROBE = join(ROOT, 'bench', 'lib', 'window-probe.mjs');
/** The same CLI as the bin, unbundled, so that profile samples name the source file. */
const SHIM_UNBUNDLED = join(ROOT, 'dist', 'cli', 'main.js');
const PLAIN_RELAY = join(ROOT, 'bench', 'plain-relay.mjs');

function paths() {
  const server = echoServer();
  const node = (main, extra = []) => [main, '--log-level', 'silent', ...extra];
  return [
    { id: 'relay', label: 'plain relay', main: [PLAIN_RELAY] },
    { id: 'shim', label: 'shim (default policy)', main: node(SHIM_UNBUNDLED) },
    {
      id: 'shim-audit',
      label: 'shim + audit log file',
      main: node(SHIM_UNBUNDLED, ['--audit-log', 'AUDIT']),
    },
  ].map((path) => ({ ...path, server }));
}

async function measure(path, mode, { calls, warmup, tmpDir }) {
  const out = join(tmpDir, `breakdown-${path.id}-${mode}.json`);
  rmSync(out, { force: true });
  const audit = join(tmpDir, `breakdown-${path.id}-${mode}-audit.jsonl`);
  const item = await startPath({
    id: path.id,
    label: path.label,
    command: process.execPath,
    args: [
      '--import',
      PROBE,
      ...path.main.map((arg) => (arg === 'AUDIT' ? audit : arg)),
      '--',
      path.server.command,
      ...path.server.args,
    ],
    env: { BENCH_PROBE: mode, BENCH_PROBE_OUT: out },
  });
  try {
    const call = async (index) => {
      const { message } = await item.client.request('tools/call', echoParams(`m${index}`));
      expectEcho(message, `m${index}`);
    };
    for (let index = 0; index < warmup; index++) await call(index);
    item.child.kill('SIGUSR2');
    await sleep(100);
    for (let index = 0; index < calls; index++) await call(warmup + index);
    item.child.kill('SIGUSR2');
    for (let waited = 0; !existsSync(out); waited += 20) {
      if (waited > 10_000) throw new Error('the probe wrote no result within 10 s');
      await sleep(20);
    }
    await sleep(50); // the file is written in one call; let it finish
    return JSON.parse(readFileSync(out, 'utf8'));
  } catch (error) {
    throw item.explain(error);
  } finally {
    await item.close();
  }
}

export async function run({ quick, tmpDir }) {
  const calls = quick ? 300 : 20_000;
  const warmup = quick ? 100 : 3_000;
  const results = [];
  for (const path of paths()) {
    const profiled = await measure(path, 'profile', { calls, warmup, tmpDir });
    if (profiled.profile === undefined) throw new Error(`no profile: ${profiled.error}`);
    const loop = await measure(path, 'loop', { calls, warmup, tmpDir });
    const alloc = await measure(path, 'alloc', { calls, warmup, tmpDir });
    if (alloc.heapProfile === undefined) throw new Error(`no heap profile: ${alloc.error}`);
    results.push({
      path,
      stages: stageMicros(profiled.profile),
      bytes: stageBytes(alloc.heapProfile),
      profiled,
      loop,
    });
  }
  const perCall = (value) => value / calls;
  // Profile samples are wall time: a sample taken while the thread waited for a CPU (a loaded
  // machine) counts too. Stages get their share of the samples times the thread's time on a CPU.
  const onCpu = results.map((result) => {
    const sampled = Object.entries(result.stages).reduce(
      (sum, [key, value]) => (key === 'idle' ? sum : sum + value),
      0,
    );
    return {
      sampled,
      micros: result.profiled.mainThread?.onCpuMicros ?? sampled,
      waiting: result.profiled.mainThread?.waitingMicros,
    };
  });
  const stageRows = STAGES.map(([stage, covers]) => [
    stage,
    covers,
    ...results.map((result, i) =>
      formatMicros(perCall(((result.stages[stage] ?? 0) / onCpu[i].sampled) * onCpu[i].micros)),
    ),
  ]);
  const busy = onCpu.map((entry) => perCall(entry.micros));
  stageRows.push([
    'total',
    'main thread on a CPU per round trip (the sum)',
    ...busy.map(formatMicros),
  ]);
  const bytesPerCall = (bytes) => `${formatFixed(bytes / calls / 1024, 2)} KiB`;
  const allocRows = STAGES.filter(([stage]) => stage !== 'gc' && stage !== 'other').map(
    ([stage]) => [stage, ...results.map((result) => bytesPerCall(result.bytes[stage] ?? 0))],
  );
  allocRows.push([
    'total',
    ...results.map((result) =>
      bytesPerCall(Object.values(result.bytes).reduce((sum, value) => sum + value, 0)),
    ),
  ]);
  const relayBusy = busy[0];
  const cpu = results.map((r) => perCall(r.profiled.cpuMicros.user + r.profiled.cpuMicros.system));
  const gcRows = results.map((result, i) => {
    const { gc, usedAtStart, usedAtStop } = result.profiled;
    const scavenges = gc.filter((entry) => entry.type === 'Scavenge').length;
    const callbacks = result.loop.callbacks;
    const turns = Object.values(callbacks).reduce((sum, count) => sum + count, 0);
    return [
      result.path.label,
      formatMicros(busy[i]),
      formatRatio(busy[i] / relayBusy),
      onCpu[i].waiting === undefined ? 'n/a' : formatMicros(perCall(onCpu[i].waiting)),
      formatMicros(cpu[i]),
      formatRatio(cpu[i] / cpu[0]),
      `${formatFixed(allocatedBytes(gc, usedAtStart, usedAtStop) / calls / 1024, 1)} KiB`,
      formatFixed((scavenges * 1000) / calls, 1),
      formatFixed(((gc.length - scavenges) * 1000) / calls, 2),
      formatMicros(perCall(gc.reduce((sum, entry) => sum + entry.cost, 0))),
      gc.length === 0 ? 'n/a' : formatMicros(summarise(gc.map((entry) => entry.cost)).p50),
      gc.length === 0 ? 'n/a' : formatMicros(Math.max(...gc.map((entry) => entry.cost))),
      formatFixed(turns / calls, 2),
      Object.entries(callbacks)
        .sort((a, b) => b[1] - a[1])
        .map(([type, count]) => `${type} ${formatFixed(count / calls, 2)}`)
        .join(', '),
    ];
  });
  return {
    name,
    title,
    about:
      'Sequential `tools/call` echo requests (one in flight): each round trip is one request judged on its way in and one result scanned on its way out. Each path runs with bench/lib/window-probe.mjs loaded (`node --import`), which measures from inside the process between two signals, over the measured calls only. The shim runs unbundled (`node dist/cli/main.js`, the same CLI as the bin) so that every profile sample names its source file; a sample counts for the stage of the innermost shim frame on its stack (a `JSON.parse` called by the parser is parsing, a `write(2)` called by the audit writer is auditing). Each stage’s time is its share of the profile’s non-idle samples (50 µs sampling) times the main thread’s time on a CPU (Linux schedstat), so time the thread spent waiting for a CPU on a loaded machine (shown per round trip) is not counted; process CPU also counts V8’s helper threads. Allocation is the growth of the V8 heap between collections; event-loop callbacks (a second process per path: async_hooks slows it) count the callbacks the loop ran per round trip, by resource type (promise reactions excluded), so at least one per loop turn.',
    command: `node bench/run.mjs ${name}`,
    settings: `${warmup} warm-up and ${calls} measured calls per path and mode.`,
    tables: [
      {
        caption: 'CPU per round trip, by stage (main thread, from the profile):',
        columns: ['stage', 'covers', ...results.map((result) => result.path.label)],
        rows: stageRows,
      },
      {
        caption: 'Per round trip: time, CPU, allocation, GC and event-loop callbacks:',
        columns: [
          'path',
          'main thread on a CPU',
          'vs relay',
          'main thread waiting for a CPU',
          'process CPU',
          'vs relay',
          'allocated',
          'scavenges per 1000',
          'mark-sweeps per 1000',
          'GC time',
          'GC pause p50',
          'GC pause max',
          'loop callbacks',
          'by type',
        ],
        rows: gcRows,
      },
      {
        caption:
          'Allocation per round trip, by stage (a third process per path: a sampling heap profile, one sample per 4 KiB allocated, collected objects included):',
        columns: ['stage', ...results.map((result) => result.path.label)],
        rows: allocRows,
      },
    ],
    budgets: [],
    notes: [],
  };
}
