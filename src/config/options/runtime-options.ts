import {
  DEFAULT_MAX_FRAME_BYTES_TO_CLIENT,
  DEFAULT_MAX_FRAME_BYTES_TO_SERVER,
  type Mode,
} from '../config.js';
import type { RawOptions, RawValue } from '../read-option-tokens.js';
import { invalid, single } from './value-checks.js';

export interface RuntimeOptions {
  readonly mode: Mode;
  readonly maxFrameBytesToServer: number;
  readonly maxFrameBytesToClient: number;
  readonly shutdownGraceMs: number;
  readonly approvalTimeoutMs: number;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 2000;
const MAX_SHUTDOWN_GRACE_MS = 600_000;
export const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 120;
/** A day: an approval left open longer is a forgotten one. */
const MAX_APPROVAL_TIMEOUT_SECONDS = 86_400;
/** A frame becomes one JS string; V8 caps strings at about 2^29 characters. */
export const MAX_FRAME_BYTES_LIMIT = 512 * 1024 * 1024;

/**
 * `--mode`, the frame limits, `--shutdown-grace-ms`. `--max-frame-bytes` sets both directions;
 * `--max-frame-bytes-to-server` / `-to-client` override it for one direction.
 */
export function validateRuntimeOptions(options: RawOptions): RuntimeOptions {
  const rawMode = single(options, 'mode');
  const rawBoth = single(options, 'max-frame-bytes');
  const rawToServer = single(options, 'max-frame-bytes-to-server') ?? rawBoth;
  const rawToClient = single(options, 'max-frame-bytes-to-client') ?? rawBoth;
  const rawGrace = single(options, 'shutdown-grace-ms');
  const rawApproval = single(options, 'approval-timeout');
  // Validated even when both directions override it: a bad value is an error, never ignored.
  if (rawBoth !== undefined) frameBytes(rawBoth);
  return {
    mode: rawMode === undefined ? 'enforce' : mode(rawMode),
    maxFrameBytesToServer:
      rawToServer === undefined ? DEFAULT_MAX_FRAME_BYTES_TO_SERVER : frameBytes(rawToServer),
    maxFrameBytesToClient:
      rawToClient === undefined ? DEFAULT_MAX_FRAME_BYTES_TO_CLIENT : frameBytes(rawToClient),
    shutdownGraceMs: rawGrace === undefined ? DEFAULT_SHUTDOWN_GRACE_MS : graceMs(rawGrace),
    approvalTimeoutMs:
      1000 *
      (rawApproval === undefined ? DEFAULT_APPROVAL_TIMEOUT_SECONDS : approvalSeconds(rawApproval)),
  };
}

function mode(raw: RawValue): Mode {
  const value = raw.value.trim().toLowerCase();
  if (value === 'enforce' || value === 'monitor') return value;
  throw invalid(raw, '`enforce` or `monitor`');
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};

/** Binary units only: `64MiB` or `64M`; `64MB` is refused rather than guessed. */
function frameBytes(raw: RawValue): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(raw.value);
  const unit = UNIT_BYTES[(match?.[2] ?? '').toLowerCase()];
  const bytes = match === null || unit === undefined ? Number.NaN : Number(match[1]) * unit;
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw invalid(
      raw,
      'a positive integer',
      'Give bytes, or a size like `64MiB` (units K/KiB, M/MiB, G/GiB).',
    );
  }
  if (bytes > MAX_FRAME_BYTES_LIMIT) {
    throw invalid(raw, `at most 512MiB (${MAX_FRAME_BYTES_LIMIT} bytes)`);
  }
  return bytes;
}

function graceMs(raw: RawValue): number {
  const value = raw.value.trim();
  const ms = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms > MAX_SHUTDOWN_GRACE_MS) {
    throw invalid(raw, `an integer number of milliseconds from 0 to ${MAX_SHUTDOWN_GRACE_MS}`);
  }
  return ms;
}

/** Whole seconds, at least 1: a zero wait would deny every approval before anyone could answer. */
function approvalSeconds(raw: RawValue): number {
  const value = raw.value.trim();
  const seconds = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1 || seconds > MAX_APPROVAL_TIMEOUT_SECONDS) {
    throw invalid(
      raw,
      `a whole number of seconds from 1 to ${MAX_APPROVAL_TIMEOUT_SECONDS}`,
      `Give how long the shim waits for a human's approval, e.g. \`${DEFAULT_APPROVAL_TIMEOUT_SECONDS}\`.`,
    );
  }
  return seconds;
}
