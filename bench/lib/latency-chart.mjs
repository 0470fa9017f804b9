/**
 * A hand-made SVG chart of latency distributions: one cumulative curve per
 * path (x: round-trip latency in µs on a log scale, so a 15 µs path and a
 * 2 ms tail both stay readable; y: share of requests at or below it).
 * Pure: takes samples, returns the SVG text.
 */
import { percentile } from './stats.mjs';

const WIDTH = 760;
const HEIGHT = 420;
const MARGIN = { top: 48, right: 24, bottom: 56, left: 64 };
const COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2'];
/** Quantiles drawn per curve; the x axis stops at the highest p99 so one outlier cannot stretch it. */
const QUANTILES = Array.from({ length: 199 }, (_, index) => index * 0.5);

export function escapeXml(text) {
  return String(text).replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

/** Axis bounds and ticks (1, 2 and 5 × 10^n) of a log scale covering `min`..`max` (both > 0). */
export function logTicks(min, max) {
  const low = 10 ** Math.floor(Math.log10(min));
  const ticks = [];
  for (let magnitude = low; magnitude <= max * 10; magnitude *= 10) {
    for (const factor of [1, 2, 5]) ticks.push(Number((factor * magnitude).toPrecision(6)));
  }
  const high = ticks.find((tick) => tick >= max) ?? max;
  return { low, high, ticks: ticks.filter((tick) => tick >= low && tick <= high) };
}

/** @param {{ label: string, samples: number[] }[]} series @param {{ title: string }} options */
export function renderLatencyChart(series, { title }) {
  if (series.length === 0)
    throw new RangeError('Expected at least one latency series to chart, got none.');
  const curves = series.map(({ label, samples }) => {
    const sorted = Float64Array.from(samples).sort();
    return {
      label,
      points: QUANTILES.map((q) => [percentile(sorted, q), q / 100]),
      p99: percentile(sorted, 99),
    };
  });
  const lowest = Math.max(Math.min(...curves.map((curve) => curve.points[0][0])), 1e-3);
  const axis = logTicks(lowest, Math.max(...curves.map((curve) => curve.p99), lowest * 10));
  const span = Math.log10(axis.high) - Math.log10(axis.low);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (value) => {
    const clamped = Math.min(Math.max(value, axis.low), axis.high);
    return MARGIN.left + ((Math.log10(clamped) - Math.log10(axis.low)) / span) * plotWidth;
  };
  const y = (share) => MARGIN.top + (1 - share) * plotHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15">${escapeXml(title)}</text>`,
  ];
  for (const tick of axis.ticks) {
    parts.push(
      `<line x1="${x(tick).toFixed(1)}" y1="${MARGIN.top}" x2="${x(tick).toFixed(1)}" y2="${HEIGHT - MARGIN.bottom}" stroke="#e0e0e0"/>`,
      `<text x="${x(tick).toFixed(1)}" y="${HEIGHT - MARGIN.bottom + 18}" text-anchor="middle">${tick}</text>`,
    );
  }
  for (const share of [0, 0.25, 0.5, 0.75, 0.95, 1]) {
    parts.push(
      `<line x1="${MARGIN.left}" y1="${y(share).toFixed(1)}" x2="${WIDTH - MARGIN.right}" y2="${y(share).toFixed(1)}" stroke="#e0e0e0"/>`,
      `<text x="${MARGIN.left - 8}" y="${(y(share) + 4).toFixed(1)}" text-anchor="end">${share * 100}%</text>`,
    );
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 14}" text-anchor="middle">round-trip latency (µs, log scale), axis ends at the highest p99</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">requests at or below</text>`,
  );
  const legendTop = HEIGHT - MARGIN.bottom - 12 - curves.length * 18;
  curves.forEach((curve, index) => {
    const colour = COLOURS[index % COLOURS.length];
    const points = curve.points
      .map(([latency, share]) => `${x(latency).toFixed(1)},${y(share).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points}"/>`,
      // Bottom right: a cumulative curve leaves that corner empty.
      `<rect x="${WIDTH - MARGIN.right - 190}" y="${legendTop + index * 18}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${WIDTH - MARGIN.right - 172}" y="${legendTop + 10 + index * 18}">${escapeXml(curve.label)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
