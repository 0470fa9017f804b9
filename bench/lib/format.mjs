/** Number formatting for the report: fixed, unit-bearing, never locale-dependent. */

export function formatFixed(value, digits = 1) {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  const [whole, fraction] = Math.abs(value).toFixed(digits).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value < 0 ? '−' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

export const formatMicros = (value) =>
  value === undefined ? 'n/a' : `${formatFixed(value, 1)} µs`;
export const formatMillis = (value, digits = 1) =>
  value === undefined ? 'n/a' : `${formatFixed(value, digits)} ms`;
export const formatRatio = (value) =>
  value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(2)}×`;
export const formatRate = (value) => (value === undefined ? 'n/a' : `${formatFixed(value, 0)}/s`);
export const formatMiB = (bytes) =>
  bytes === undefined ? 'n/a' : `${formatFixed(bytes / 2 ** 20, 1)} MiB`;
export const formatPercent = (value) =>
  value === undefined ? 'n/a' : `${formatFixed(value * 100, 1)}%`;

/** A relative change as a signed percentage (`+5.4%`, `−1.9%`); empty when unknown. */
export const formatChange = (fraction) =>
  fraction === undefined || Number.isNaN(fraction)
    ? ''
    : `${fraction < 0 ? '' : '+'}${formatFixed(fraction * 100, 1)}%`;
