import { join } from 'node:path';
import { FIXTURES, REPO, ShimProcess } from '../../helpers/shim-process.js';

export const EVERYTHING = join(
  REPO,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
/** A policy that allows everything except a call whose `text` argument is "forbidden". */
export const DENY_FORBIDDEN = join(REPO, 'test/audit-e2e/fixtures/mask-bundle/decision.rego');
export const ECHO_SERVER = join(FIXTURES, 'echo-server.mjs');

export interface AuditedShimOptions {
  /** Extra shim options (e.g. `--policy`, `--principal`), placed before `--audit-log`. */
  readonly args?: readonly string[];
  /** `--log-level`; silent unless a test reads the shim stderr. */
  readonly logLevel?: string;
  readonly env?: Record<string, string>;
}

/**
 * The built shim writing its audit log to `log`, in front of `node <server...>`: the launch
 * every audit-e2e test repeats with different options and servers.
 */
export function auditedShim(
  log: string,
  server: readonly string[],
  options: AuditedShimOptions = {},
): ShimProcess {
  return new ShimProcess(
    [
      ...(options.args ?? []),
      '--audit-log',
      log,
      '--log-level',
      options.logLevel ?? 'silent',
      '--',
      process.execPath,
      ...server,
    ],
    options.env === undefined ? {} : { env: options.env },
  );
}
