import type { LogFormat, LogLevel } from '../config.js';
import type { RawOptions, RawValue } from '../read-option-tokens.js';
import { showValue } from '../show-value.js';
import { UsageError } from '../usage-error.js';
import {
  booleanValue,
  creatableFilePath,
  invalid,
  single,
  writableFilePath,
  type OptionContext,
} from './value-checks.js';

export interface LoggingOptions {
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  readonly logFormat: LogFormat;
  readonly auditLog: string | undefined;
  readonly auditStderr: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

const LOG_FORMATS: readonly LogFormat[] = ['auto', 'pretty', 'json'];

/** `--log-level`, `--log-format`, `--log-file`, `--audit-log`, `--audit-stderr`. */
export function validateLoggingOptions(
  options: RawOptions,
  context: OptionContext,
): LoggingOptions {
  const rawLevel = single(options, 'log-level');
  const rawLogFile = single(options, 'log-file');
  const rawLogFormat = single(options, 'log-format');
  const rawAuditLog = single(options, 'audit-log');
  const rawAuditStderr = single(options, 'audit-stderr');
  const logFile = rawLogFile === undefined ? undefined : writableFilePath(rawLogFile, context);
  // The audit log's directory is created when the shim opens it (the README puts it in
  // `~/.mcp-audit/`); the log file's must exist.
  const auditLog = rawAuditLog === undefined ? undefined : creatableFilePath(rawAuditLog, context);
  if (auditLog !== undefined && auditLog === logFile) {
    // The audit file is a hash chain; interleaved log lines would break `audit verify`.
    throw new UsageError(
      `Expected \`--audit-log\` and \`--log-file\` to name different files, got \`${showValue(auditLog)}\` for both; give the audit trail its own file.`,
    );
  }
  return {
    logLevel: rawLevel === undefined ? 'info' : logLevel(rawLevel),
    logFile,
    logFormat: rawLogFormat === undefined ? 'auto' : logFormat(rawLogFormat),
    auditLog,
    auditStderr: rawAuditStderr === undefined ? false : booleanValue(rawAuditStderr),
  };
}

function logLevel(raw: RawValue): LogLevel {
  const level = LOG_LEVELS.find((candidate) => candidate === raw.value.trim().toLowerCase());
  if (level === undefined)
    throw invalid(raw, `one of ${LOG_LEVELS.map((l) => `\`${l}\``).join(', ')}`);
  return level;
}

function logFormat(raw: RawValue): LogFormat {
  const format = LOG_FORMATS.find((candidate) => candidate === raw.value.trim().toLowerCase());
  if (format === undefined)
    throw invalid(raw, `one of ${LOG_FORMATS.map((f) => `\`${f}\``).join(', ')}`);
  return format;
}
