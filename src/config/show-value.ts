const MAX_SHOWN = 120;

/**
 * A raw value as it appears inside backticks in an error message: one line, bounded length, with
 * control characters escaped so a hostile value cannot forge extra output lines.
 */
export function showValue(raw: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we escape
  const oneLine = /[\u0000-\u001f\u007f]/.test(raw) ? JSON.stringify(raw).slice(1, -1) : raw;
  const escaped = oneLine.replace(/`/g, '\\`');
  return escaped.length > MAX_SHOWN ? `${escaped.slice(0, MAX_SHOWN)}…` : escaped;
}
