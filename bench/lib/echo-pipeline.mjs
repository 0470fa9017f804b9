// Pipelined echo calls through one path (64 in flight), with the CPU its relaying process used.
import { readProcCpuSeconds } from './proc-memory.mjs';
import { pipeline } from './run-paths.mjs';
import { echoParams, expectEcho } from './spawn-path.mjs';

/** Runs `calls` echo calls through `item`; returns the elapsed ms and the process's µs of CPU per call. */
export async function pipelinedEchoCpu(item, calls) {
  const before = readProcCpuSeconds(item.pid);
  const elapsed = await pipeline(
    item.client,
    calls,
    64,
    (client, index) => client.requestWhenWritable('tools/call', echoParams(`m${index}`)),
    (message, index) => {
      expectEcho(message, `m${index}`);
    },
  );
  return { elapsed, cpu: ((readProcCpuSeconds(item.pid) - before) * 1e6) / calls };
}
