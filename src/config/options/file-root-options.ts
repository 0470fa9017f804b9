import type { RawOptions, RawValue } from '../read-option-tokens.js';
import {
  absolutePath,
  existingDirectory,
  invalid,
  many,
  unique,
  type OptionContext,
} from './value-checks.js';

/** `--root`: existing directories, absolute and realpath'd so symlinks cannot widen them later. */
export function validateRoots(options: RawOptions, context: OptionContext): string[] {
  return unique(many(options, 'root').map((raw) => existingDirectory(raw, context)));
}

/** RFC 6901: `/`-separated tokens where `~` appears only as `~0` (for `~`) or `~1` (for `/`). */
const JSON_POINTER = /^(\/([^~/]|~[01])*)+$/;

/** `--path-pointer`: JSON pointers into tool arguments naming file paths. */
export function validatePathPointers(options: RawOptions): string[] {
  return unique(many(options, 'path-pointer').map(pathPointer));
}

function pathPointer(raw: RawValue): string {
  if (!JSON_POINTER.test(raw.value)) {
    throw invalid(
      raw,
      'a JSON pointer (RFC 6901) such as `/file` or `/options/0/path`',
      'Start with `/`; write `~0` for `~` and `~1` for `/` inside a name.',
    );
  }
  return raw.value;
}

/**
 * `--path-base`: existing directories, each as written (absolute) and realpath'd, since the
 * server applies `..` to the form it was given before following symlinks.
 */
export function validatePathBases(options: RawOptions, context: OptionContext): string[] {
  return unique(
    many(options, 'path-base').flatMap((raw) => {
      const real = existingDirectory(raw, context);
      const written = absolutePath(raw, context, 'an existing directory');
      return written === real ? [real] : [written, real];
    }),
  );
}
