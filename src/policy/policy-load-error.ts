/** A policy or data file that cannot be loaded. The CLI prints `message` and exits non-zero. */
export class PolicyLoadError extends Error {
  override readonly name = 'PolicyLoadError';
}

/** Text of anything thrown: the OPA SDK throws strings and `{message}` objects as well as Errors. */
export function thrownText(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === 'string') return thrown;
  if (
    typeof thrown === 'object' &&
    thrown !== null &&
    'message' in thrown &&
    typeof thrown.message === 'string'
  ) {
    return thrown.message;
  }
  try {
    const json = JSON.stringify(thrown) as string | undefined;
    return json ?? String(thrown);
  } catch {
    return String(thrown);
  }
}
