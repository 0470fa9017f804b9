export function escapeXml(text: string): string;
export function logTicks(min: number, max: number): { low: number; high: number; ticks: number[] };
export function renderLatencyChart(
  series: readonly { label: string; samples: readonly number[] }[],
  options: { title: string },
): string;
