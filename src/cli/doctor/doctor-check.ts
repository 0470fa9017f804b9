import type { Env } from '../../config/read-env-options.js';
/**
 * One finding of `mcp-opa-shim doctor`: what was checked, how it went, and what to do about it.
 * `fail` makes doctor exit 1; `warn` and `skip` do not (a warning names something that works but
 * deserves a look; a skip names a check that could not run or does not apply, and why).
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorCheck {
  /** Stable name: `options`, `opa`, `policy`, `audit-log`, `command`, `initialize`, `tools`, `entry`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What was found; may span lines (a data file with several mistakes). */
  readonly summary: string;
  /** What to do, when `summary` does not already say it. */
  readonly fix?: string;
  /** The client-config entry this check belongs to (`--file` only). */
  readonly entry?: string;
  /** Machine-readable facts, e.g. the server's name and version, the number of tools. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function check(
  id: string,
  status: CheckStatus,
  summary: string,
  extra: { fix?: string | undefined; details?: Record<string, unknown> } = {},
): DoctorCheck {
  return {
    id,
    status,
    summary,
    ...(extra.fix === undefined ? {} : { fix: extra.fix }),
    ...(extra.details === undefined ? {} : { details: extra.details }),
  };
}

export function messageOf(thrown: unknown): string {
  return thrown instanceof Error ? thrown.message : String(thrown);
}

/** What the doctor command reads and writes. */
export interface DoctorIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Env;
  readonly cwd: string;
  /** The script running this CLI; doctor starts it again around the server. */
  readonly shimEntry: string;
}
