import { isAbsolute, join } from 'node:path';
import type { RawOptions } from '../read-option-tokens.js';
import { absolutePath, single, type OptionContext } from './value-checks.js';

/**
 * `--state-dir`: where the shim keeps what outlives a session (the quota counters). Created when
 * first needed, so a session that persists nothing never touches it. Default: the XDG state
 * directory, `$XDG_STATE_HOME/mcp-opa-shim` (`~/.local/state/mcp-opa-shim` without it).
 */
export function validateStateDir(options: RawOptions, context: OptionContext): string {
  const raw = single(options, 'state-dir');
  if (raw !== undefined) return absolutePath(raw, context, 'a directory path');
  return defaultStateDir(context);
}

export function defaultStateDir(context: Pick<OptionContext, 'env' | 'homeDir'>): string {
  const xdg = context.env.XDG_STATE_HOME;
  // The XDG spec says a relative value is invalid and is to be ignored.
  const base =
    xdg !== undefined && xdg !== '' && isAbsolute(xdg)
      ? xdg
      : join(context.homeDir, '.local', 'state');
  return join(base, 'mcp-opa-shim');
}
