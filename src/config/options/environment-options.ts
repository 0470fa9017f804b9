import { DEFAULT_SECRET_NAME_PATTERNS } from '../config.js';
import type { RawOptions } from '../read-option-tokens.js';
import {
  envVarName,
  existingFile,
  many,
  plainText,
  unique,
  type OptionContext,
} from './value-checks.js';

export interface EnvironmentOptions {
  readonly envFiles: readonly string[];
  readonly envAllow: readonly string[] | undefined;
  readonly secretEnv: readonly string[];
  readonly secretNamePatterns: readonly string[];
}

/** `--env-file`, `--env-allow`, `--secret-env`, `--secret-pattern`. */
export function validateEnvironmentOptions(
  options: RawOptions,
  context: OptionContext,
): EnvironmentOptions {
  const rawAllow = many(options, 'env-allow');
  return {
    envFiles: unique(
      many(options, 'env-file').map((raw) => existingFile(raw, context, 'an existing dotenv file')),
    ),
    envAllow: rawAllow.length === 0 ? undefined : unique(rawAllow.map(envVarName)),
    secretEnv: unique(many(options, 'secret-env').map(envVarName)),
    secretNamePatterns: secretPatterns(options),
  };
}

/** Extra patterns add to the defaults: a typo must never switch the default protection off. */
function secretPatterns(options: RawOptions): string[] {
  const patterns = [...DEFAULT_SECRET_NAME_PATTERNS];
  const seen = new Set(patterns.map((p) => p.toUpperCase()));
  for (const raw of many(options, 'secret-pattern')) {
    const pattern = plainText(raw, 'a piece of a variable name such as `API`').trim();
    if (!seen.has(pattern.toUpperCase())) {
      seen.add(pattern.toUpperCase());
      patterns.push(pattern);
    }
  }
  return patterns;
}
