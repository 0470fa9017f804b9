/** Resident memory (VmRSS, VmHWM) and CPU time of a process, from /proc (Linux). */
import { readFileSync } from 'node:fs';
import process from 'node:process';

/** Parses the `VmRSS` and `VmHWM` lines of a /proc status text into bytes. */
export function parseProcStatus(text) {
  const field = (name) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (match === null)
      throw new Error(`Expected a \`${name}\` line in /proc/<pid>/status, found none.`);
    return Number(match[1]) * 1024;
  };
  return { rss: field('VmRSS'), hwm: field('VmHWM') };
}

export function readProcMemory(pid) {
  return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
}

/** True when /proc status files exist here (Linux); elsewhere the memory scenario is skipped. */
export function procMemoryAvailable() {
  try {
    readProcMemory(process.pid);
    return true;
  } catch {
    return false;
  }
}

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream kernel). */
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds from a /proc/<pid>/stat line (fields 14 and 15; the name may hold spaces). */
export function parseProcCpuSeconds(statLine) {
  const fields = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks))
    throw new Error(`Expected utime and stime in /proc/<pid>/stat, got \`${statLine}\`.`);
  return ticks / TICKS_PER_SECOND;
}

export function readProcCpuSeconds(pid) {
  return parseProcCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/**
 * How far RSS moved after warm-up: (max − min) / min over the samples taken
 * after the first `warmupFraction` of the run. 0.1 means "within 10%".
 */
export function rssDrift(samples, warmupFraction = 0.1) {
  const settled = samples.slice(Math.floor(samples.length * warmupFraction));
  if (settled.length === 0) throw new RangeError('Expected RSS samples after warm-up, got none.');
  const values = settled.map((sample) => sample.rss);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { min, max, drift: (max - min) / min };
}
