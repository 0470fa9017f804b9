import { isAbsolute, join } from 'node:path';
import type { RawOptions } from '../read-option-tokens.js';
import { creatableFilePath, single, type OptionContext } from './value-checks.js';

/**
 * `--pins <file|off>` (docs/pinning.md): the file this server's tool pins are kept in, or
 * undefined when pinning is off. Default: `$XDG_STATE_HOME/mcp-opa-shim/pins/<server-id>.json`,
 * with `~/.local/state` when XDG_STATE_HOME is unset or not absolute (the XDG rule).
 */
export function validatePinsOption(
  options: RawOptions,
  context: OptionContext,
  serverId: string,
): string | undefined {
  const raw = single(options, 'pins');
  if (raw === undefined) return defaultPinsFile(serverId, context);
  if (raw.value.trim().toLowerCase() === 'off') return undefined;
  return creatableFilePath(raw, context);
}

export function defaultPinsFile(
  serverId: string,
  context: Pick<OptionContext, 'env' | 'homeDir'>,
): string {
  return join(stateHome(context), 'mcp-opa-shim', 'pins', `${pinFileName(serverId)}.json`);
}

/** The user's state directory (XDG Base Directory: an unset or relative value is ignored). */
export function stateHome(context: Pick<OptionContext, 'env' | 'homeDir'>): string {
  const configured = context.env.XDG_STATE_HOME;
  return configured !== undefined && isAbsolute(configured)
    ? configured
    : join(context.homeDir, '.local', 'state');
}

/** A server id as one file name: `/`, `\`, `%`, control characters and a leading dot escaped. */
export function pinFileName(serverId: string): string {
  const escaped = serverId.replace(
    // eslint-disable-next-line no-control-regex
    /[%/\\:\u0000-\u001f\u007f]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`,
  );
  return escaped.startsWith('.') ? `%2E${escaped.slice(1)}` : escaped;
}
