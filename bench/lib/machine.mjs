/** A description of the machine the figures were measured on. */
import os from 'node:os';
import process from 'node:process';

export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    /** 1-minute load average: other work on the machine shows up in tail latencies. */
    load: os.loadavg()[0],
  };
}
