export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface SignalTarget {
  kill(signal: NodeJS.Signals): boolean;
}

/**
 * Relays termination signals to the server instead of letting them end the shim, so the shim can
 * exit with the server's own exit code once it is gone. Returns a disposer that removes the handlers.
 */
export function forwardSignals(
  target: SignalTarget,
  signals: readonly NodeJS.Signals[] = FORWARDED_SIGNALS,
): () => void {
  const handlers = signals.map((signal) => {
    const handler = (): void => {
      target.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
