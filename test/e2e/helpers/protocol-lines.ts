/**
 * Every byte of `stdout` must belong to a complete line holding one JSON-RPC
 * message (or a batch of them). Returns the offending lines.
 */
export function impureLines(stdout: string): string[] {
  if (stdout === '') return [];
  const lines = stdout.endsWith('\n') ? stdout.slice(0, -1).split('\n') : [...stdout.split('\n')];
  const unterminated = stdout.endsWith('\n') ? [] : [`(unterminated) ${lines.pop() ?? ''}`];
  return [...lines.filter((line) => !isProtocolLine(line)), ...unterminated];
}

function isProtocolLine(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line.endsWith('\r') ? line.slice(0, -1) : line);
  } catch {
    return false;
  }
  const items = Array.isArray(value) ? value : [value];
  return items.length > 0 && items.every(isJsonRpcMessage);
}

function isJsonRpcMessage(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const m = value as Record<string, unknown>;
  if (m['jsonrpc'] !== '2.0') return false;
  const isRequestOrNotification = typeof m['method'] === 'string';
  const isResponse =
    'id' in m && ('result' in m || 'error' in m) && !('result' in m && 'error' in m);
  return isRequestOrNotification !== isResponse;
}
