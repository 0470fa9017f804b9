import { realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { Env } from '../read-env-options.js';
import type { RawOptions, RawValue } from '../read-option-tokens.js';
import { showValue } from '../show-value.js';
import { UsageError } from '../usage-error.js';

/** What validators need from the outside world; injectable so tests need no real home or cwd. */
export interface OptionContext {
  readonly cwd: string;
  readonly env: Env;
  readonly homeDir: string;
  /** The OS account name; may throw (containers without a passwd entry). */
  readonly osUsername: () => string;
}

/** "Expected `--x` to be <expectation>, got `<value>`.[ fix]" */
export function invalid(raw: RawValue, expectation: string, fix?: string): UsageError {
  const tail = fix === undefined ? '' : ` ${fix}`;
  return new UsageError(
    `Expected ${raw.label} to be ${expectation}, got \`${showValue(raw.value)}\`.${tail}`,
  );
}

export function single(options: RawOptions, name: string): RawValue | undefined {
  return options.get(name)?.[0];
}

export function many(options: RawOptions, name: string): readonly RawValue[] {
  return options.get(name) ?? [];
}

export function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Non-empty, single-line text such as a principal id or a role. */
export function plainText(raw: RawValue, expectation: string): string {
  if (raw.value.trim() === '' || CONTROL.test(raw.value)) {
    throw invalid(raw, `${expectation} (non-empty, without control characters)`);
  }
  return raw.value;
}

/** A variable name: what `env` and the shim can both handle (no `=`, no NUL, not empty). */
export function envVarName(raw: RawValue): string {
  // eslint-disable-next-line no-control-regex -- names with control characters are rejected
  if (!/^[^=\s\u0000-\u001f]+$/.test(raw.value)) {
    throw invalid(raw, 'an environment variable name such as `GITHUB_TOKEN`');
  }
  return raw.value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes']);
const FALSE_WORDS = new Set(['0', 'false', 'no']);

export function booleanValue(raw: RawValue): boolean {
  const word = raw.value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw invalid(
    raw,
    'a boolean',
    'Use `1`, `true` or `yes` to turn it on, `0`, `false` or `no` to turn it off.',
  );
}

/** `~` and `~/x` expand to the home directory (client configs are not run through a shell). */
export function absolutePath(raw: RawValue, context: OptionContext, expectation: string): string {
  const value = raw.value;
  if (value === '' || value.includes('\u0000')) throw invalid(raw, expectation);
  const expanded =
    value === '~'
      ? context.homeDir
      : value.startsWith('~/')
        ? join(context.homeDir, value.slice(2))
        : value;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(context.cwd, expanded);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function existingFile(raw: RawValue, context: OptionContext, expectation: string): string {
  const path = absolutePath(raw, context, expectation);
  const stats = statOrUndefined(path);
  if (stats === undefined) throw invalid(raw, expectation, `No such file: ${showValue(path)}.`);
  if (!stats.isFile()) throw invalid(raw, expectation, `${showValue(path)} is not a regular file.`);
  return path;
}

/** An existing directory, returned absolute and with symlinks resolved. */
export function existingDirectory(raw: RawValue, context: OptionContext): string {
  const expectation = 'an existing directory';
  const path = absolutePath(raw, context, expectation);
  const stats = statOrUndefined(path);
  if (stats === undefined)
    throw invalid(raw, expectation, `No such directory: ${showValue(path)}.`);
  if (!stats.isDirectory())
    throw invalid(raw, expectation, `${showValue(path)} is not a directory.`);
  return realpathSync(path);
}

/** A file we will create or append to: its directory must exist and it must not be a directory. */
export function writableFilePath(raw: RawValue, context: OptionContext): string {
  const expectation = 'a file path in an existing directory';
  const path = absolutePath(raw, context, expectation);
  const parent = statOrUndefined(dirname(path));
  if (parent?.isDirectory() !== true) {
    throw invalid(raw, expectation, `Create ${showValue(dirname(path))} first.`);
  }
  if (statOrUndefined(path)?.isDirectory() === true) {
    throw invalid(raw, expectation, `${showValue(path)} is a directory; name a file inside it.`);
  }
  return path;
}

/**
 * A file we will create or append to, whose missing directories we will create: the nearest
 * existing ancestor must be a directory, and the path must not be one.
 */
export function creatableFilePath(raw: RawValue, context: OptionContext): string {
  const expectation = 'a file path (missing directories are created)';
  const path = absolutePath(raw, context, expectation);
  let ancestor = dirname(path);
  let stats = statOrUndefined(ancestor);
  while (stats === undefined && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    stats = statOrUndefined(ancestor);
  }
  if (stats?.isDirectory() !== true) {
    throw invalid(
      raw,
      expectation,
      `${showValue(ancestor)} is not a directory; choose a path under a directory.`,
    );
  }
  if (statOrUndefined(path)?.isDirectory() === true) {
    throw invalid(raw, expectation, `${showValue(path)} is a directory; name a file inside it.`);
  }
  return path;
}
