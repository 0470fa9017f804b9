/**
 * Ratios of one figure per path to the two baselines: the direct connection
 * and the plain relay. "Added" is a path's figure minus the direct one: what
 * the hop itself costs, which is what the latency budgets compare.
 */
import { ratio } from './stats.mjs';

/** @param {Record<string, number | undefined>} byPath figure per path id */
export function compareToBaselines(byPath) {
  const direct = byPath.direct;
  const relay = byPath.relay;
  const relayAdded = relay === undefined || direct === undefined ? undefined : relay - direct;
  return Object.fromEntries(
    Object.entries(byPath).map(([id, value]) => {
      const added = value === undefined || direct === undefined ? undefined : value - direct;
      return [
        id,
        {
          value,
          vsDirect: ratio(value, direct),
          vsRelay: ratio(value, relay),
          added,
          addedVsRelay: ratio(added, relayAdded),
        },
      ];
    }),
  );
}

/** One statistic (`p50`, `p95`…) of every path's summary, compared to the baselines. */
export function compareStat(paths, stats, key) {
  return compareToBaselines(
    Object.fromEntries(paths.map((path) => [path.id, stats[path.id][key]])),
  );
}
