export interface CallFrame {
  functionName: string;
  url: string;
}
export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}
export interface GcEntry {
  type: string;
  cost: number;
  before: number;
  after: number;
}
export const STAGES: readonly (readonly [string, string])[];
export function sampleStage(stack: readonly CallFrame[]): string;
export function stageMicros(profile: CpuProfile): Record<string, number>;
export function allocatedBytes(
  gc: readonly GcEntry[],
  usedAtStart: number,
  usedAtStop: number,
): number;
export interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children?: HeapNode[];
}
export function stageBytes(heapProfile: { head: HeapNode }): Record<string, number>;
