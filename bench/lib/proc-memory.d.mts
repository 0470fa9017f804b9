export interface ProcMemory {
  rss: number;
  hwm: number;
}
export interface RssSample {
  messages: number;
  rss: number;
}
export function parseProcStatus(text: string): ProcMemory;
export function readProcMemory(pid: number): ProcMemory;
export function procMemoryAvailable(): boolean;
export function rssDrift(
  samples: readonly RssSample[],
  warmupFraction?: number,
): { min: number; max: number; drift: number };
export function parseProcCpuSeconds(statLine: string): number;
export function readProcCpuSeconds(pid: number): number;
