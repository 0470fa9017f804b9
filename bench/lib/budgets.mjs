/**
 * The shim's performance budgets (issue 5), as ratios or absolute limits
 * measured in one run. `max` budgets pass when measured ≤ limit, `min` ones
 * when measured ≥ limit. Pure: scenarios measure, this only judges.
 */
export const BUDGETS = [
  {
    id: 'roundtrip-p50',
    scenario: 'roundtrip',
    text: 'Added p50 latency ≤ 1.25× the plain relay’s added p50',
    limit: 1.25,
    kind: 'max',
    unit: 'ratio',
  },
  {
    id: 'roundtrip-p99',
    scenario: 'roundtrip',
    text: 'Added p99 latency ≤ 1.5× the plain relay’s added p99',
    limit: 1.5,
    kind: 'max',
    unit: 'ratio',
  },
  {
    id: 'audit-p50',
    scenario: 'roundtrip',
    text: 'Audit log to a file adds ≤ 10% to the shim’s p50 round trip',
    limit: 0.1,
    kind: 'max',
    unit: 'percent',
  },
  {
    id: 'state-p50',
    scenario: 'state',
    text: 'A session with rate limits and a quota adds ≤ 10% to the shim’s p50 round trip',
    limit: 0.1,
    kind: 'max',
    unit: 'percent',
  },
  {
    id: 'policy-p50',
    scenario: 'policy',
    text: 'Default-policy evaluation ≤ 10 µs p50 in process',
    limit: 10,
    kind: 'max',
    unit: 'µs',
  },
  {
    id: 'throughput-to-server',
    scenario: 'throughput',
    text: 'Client→server throughput ≥ 80% of the plain relay’s',
    limit: 0.8,
    kind: 'min',
    unit: 'ratio',
  },
  {
    id: 'throughput-to-client',
    scenario: 'throughput',
    text: 'Server→client throughput ≥ 80% of the plain relay’s',
    limit: 0.8,
    kind: 'min',
    unit: 'ratio',
  },
  {
    id: 'cold-start',
    scenario: 'cold-start',
    text: 'Added cold start ≤ 1.2× the plain relay’s added cold start',
    limit: 1.2,
    kind: 'max',
    unit: 'ratio',
  },
  {
    id: 'rss-flat',
    scenario: 'memory',
    text: 'Shim RSS flat within 10% across 1,000,000 relayed messages',
    limit: 0.1,
    kind: 'max',
    unit: 'percent',
  },
  {
    id: 'rss-flat-audit',
    scenario: 'memory',
    text: 'Shim + audit log RSS flat within 10% across 1,000,000 relayed messages',
    limit: 0.1,
    kind: 'max',
    unit: 'percent',
  },
  {
    id: 'rss-peak',
    scenario: 'memory',
    text: 'Shim peak RSS relaying one 50 MB result ≤ 4× the message size',
    limit: 4,
    kind: 'max',
    unit: 'ratio',
  },
];

export function findBudget(id) {
  const budget = BUDGETS.find((candidate) => candidate.id === id);
  if (budget === undefined)
    throw new Error(`Expected a budget id from bench/lib/budgets.mjs, got \`${id}\`.`);
  return budget;
}

/**
 * Judges one measurement. `pass` is undefined when nothing was measured
 * (the shim was not built, or the scenario did not run): never a silent pass.
 */
export function checkBudget(id, measured, note) {
  const budget = findBudget(id);
  const known = typeof measured === 'number' && Number.isFinite(measured);
  const pass = known
    ? budget.kind === 'max'
      ? measured <= budget.limit
      : measured >= budget.limit
    : undefined;
  return {
    ...budget,
    measured: known ? measured : undefined,
    pass,
    ...(note === undefined ? {} : { note }),
  };
}

export function formatBudgetValue(budget, value) {
  if (value === undefined) return 'n/a';
  if (budget.unit === 'ratio') return `${value.toFixed(2)}×`;
  if (budget.unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  return `${value.toFixed(2)} ${budget.unit}`;
}

/** How far a failed budget is off, as a sentence fragment: "by 0.31× (25%)". */
export function describeMiss(check) {
  if (check.pass !== false) return '';
  const gap = Math.abs(check.measured - check.limit);
  const relative = gap / check.limit;
  return `missed by ${formatBudgetValue(check, gap)} (${(relative * 100).toFixed(0)}% ${check.kind === 'max' ? 'over' : 'under'} the limit)`;
}
