export interface Summary {
  n: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
export function percentile(sorted: ArrayLike<number>, p: number): number;
export function summarise(samples: Iterable<number> | ArrayLike<number>): Summary;
export function ratio(a: number | undefined, b: number | undefined): number | undefined;
export function median(values: Iterable<number> | ArrayLike<number>): number;
