/**
 * XDG_STATE_HOME as test/setup/state-home.ts set it, for a shim started with an explicit
 * environment (an SDK client passes on little else): its tool pins stay out of the real home.
 */
export function stateHomeEnv(): Record<string, string> {
  const value = process.env['XDG_STATE_HOME'];
  return value === undefined ? {} : { XDG_STATE_HOME: value };
}
