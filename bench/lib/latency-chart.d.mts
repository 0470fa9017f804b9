export function escapeXml(text: string): string;
export function niceStep(range: number, count?: number): number;
export function renderLatencyChart(
  series: readonly { label: string; samples: readonly number[] }[],
  options: { title: string },
): string;
