/**
 * Loaded into a relaying process with `node --import bench/lib/window-probe.mjs`: between two
 * SIGUSR2 signals from the benchmark it measures the process from inside, then writes what it
 * saw as JSON to $BENCH_PROBE_OUT (never to stdout, which carries the protocol).
 *   BENCH_PROBE=profile  a V8 CPU profile (inspector, 50 µs sampling), process CPU time, the
 *                        main thread's time on a CPU and waiting for one (Linux schedstat), and
 *                        every garbage collection with the heap before and after it (GCProfiler)
 *   BENCH_PROBE=alloc    a sampling heap profile of every allocation (collected ones included)
 *   BENCH_PROBE=loop     the callbacks the event loop ran, by async resource type (async_hooks;
 *                        promise reactions are not counted), one per loop turn or more
 * Each mode disturbs what the others measure, so each runs in a process of its own.
 */
import { createHook } from 'node:async_hooks';
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import process from 'node:process';
import { getHeapStatistics, GCProfiler } from 'node:v8';

const mode = process.env.BENCH_PROBE ?? 'profile';
const out = process.env.BENCH_PROBE_OUT;
let running;

/** The main thread's time on a CPU and waiting for one, in ns (Linux schedstat; undefined elsewhere). */
function mainThreadSchedule() {
  try {
    const [onCpu, waiting] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8')
      .split(' ')
      .map(Number);
    return { onCpu, waiting };
  } catch {
    return undefined;
  }
}

function startProfile() {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 50 });
  session.post('Profiler.start');
  const gc = new GCProfiler();
  gc.start();
  const usedAtStart = getHeapStatistics().used_heap_size;
  const cpu = process.cpuUsage();
  const schedule = mainThreadSchedule();
  return (done) => {
    const cpuMicros = process.cpuUsage(cpu);
    const scheduleAtStop = mainThreadSchedule();
    const mainThread =
      schedule === undefined || scheduleAtStop === undefined
        ? undefined
        : {
            onCpuMicros: (scheduleAtStop.onCpu - schedule.onCpu) / 1000,
            waitingMicros: (scheduleAtStop.waiting - schedule.waiting) / 1000,
          };
    const gcStats = gc.stop();
    const usedAtStop = getHeapStatistics().used_heap_size;
    session.post('Profiler.stop', (error, result) => {
      session.disconnect();
      done({
        error: error?.message,
        profile: result?.profile,
        cpuMicros,
        mainThread,
        gc: gcStats.statistics.map((entry) => ({
          type: entry.gcType,
          cost: entry.cost,
          before: entry.beforeGC.heapStatistics.usedHeapSize,
          after: entry.afterGC.heapStatistics.usedHeapSize,
        })),
        usedAtStart,
        usedAtStop,
      });
    });
  };
}

function startAllocations() {
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  return (done) => {
    session.post('HeapProfiler.stopSampling', (error, result) => {
      session.disconnect();
      done({ error: error?.message, heapProfile: result?.profile });
    });
  };
}

/** Resources are typed from the start (the pipes exist before the window); counted only in it. */
const types = new Map();
let callbacks;
if (mode === 'loop') {
  createHook({
    init(id, type) {
      if (type !== 'PROMISE') types.set(id, type);
    },
    before(id) {
      const type = types.get(id);
      if (callbacks !== undefined && type !== undefined)
        callbacks[type] = (callbacks[type] ?? 0) + 1;
    },
    destroy(id) {
      types.delete(id);
    },
  }).enable();
}

function startLoop() {
  callbacks = {};
  return (done) => {
    const counted = callbacks;
    callbacks = undefined;
    done({ callbacks: counted });
  };
}

process.on('SIGUSR2', () => {
  if (running === undefined) {
    running =
      mode === 'loop' ? startLoop() : mode === 'alloc' ? startAllocations() : startProfile();
    return;
  }
  running((result) => {
    writeFileSync(out, JSON.stringify(result));
  });
});
