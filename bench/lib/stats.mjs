/** Order statistics for latency samples. Pure: no I/O, no clocks. */

/**
 * The p-th percentile (0..100) of an ascending array, interpolating linearly
 * between the two closest ranks (numpy's default, "type 7").
 */
export function percentile(sorted, p) {
  if (sorted.length === 0)
    throw new RangeError('Expected at least one sample to take a percentile of, got none.');
  if (!(p >= 0 && p <= 100))
    throw new RangeError(`Expected a percentile between 0 and 100, got \`${p}\`.`);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** n, min, mean, p50, p95, p99 and max of unsorted samples. */
export function summarise(samples) {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((total, value) => total + value, 0);
  return {
    n: sorted.length,
    min: sorted[0],
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

/** a / b, or undefined when either side is missing or b is not positive (a ratio would mislead). */
export function ratio(a, b) {
  if (a === undefined || b === undefined || !(b > 0)) return undefined;
  return a / b;
}

/** The median of a few repeated measurements (used to pick a representative round). */
export function median(values) {
  return percentile(Float64Array.from(values).sort(), 50);
}
