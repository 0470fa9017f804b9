import type { OptionSpec } from './option-specs.js';
import { envNameOf, isShimEnvName } from './option-specs.js';
import type { RawValue } from './read-option-tokens.js';
import { showValue } from './show-value.js';
import { UsageError } from './usage-error.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Adds `MCP_OPA_SHIM_<NAME>` settings for every option the command line did not give: argv wins
 * per option, and for a repeatable option any argv occurrence replaces the env list entirely.
 * An empty variable counts as unset (client configs often carry `"VAR": ""`).
 */
export function withEnvOptions(
  argvOptions: ReadonlyMap<string, readonly RawValue[]>,
  env: Env,
  specs: readonly OptionSpec[],
): Map<string, readonly RawValue[]> {
  const merged = new Map(argvOptions);
  for (const spec of specs) {
    if (!spec.fromEnv || merged.has(spec.name)) continue;
    const name = envNameOf(spec);
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const label = `\`${name}\``;
    const values = spec.repeatable ? splitList(value, label) : [value];
    merged.set(
      spec.name,
      values.map((v) => ({ value: v, label })),
    );
  }
  return merged;
}

/** A comma-separated list, or a JSON array of strings when the value starts with `[`. */
function splitList(raw: string, label: string): string[] {
  const trimmed = raw.trim();
  if (!trimmed.startsWith('[')) {
    return trimmed
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw new UsageError(
      `Expected ${label} to be a comma-separated list or a JSON array of strings, got \`${showValue(raw)}\`; write e.g. \`a,b\` or \`["a","b"]\`.`,
    );
  }
  return parsed;
}

/** `MCP_OPA_SHIM_*` variables that match no option: likely typos, worth a warning in the log. */
export function unknownShimEnvNames(env: Env, specs: readonly OptionSpec[]): string[] {
  const known = new Set(specs.filter((s) => s.fromEnv).map(envNameOf));
  return Object.keys(env)
    .filter((name) => isShimEnvName(name) && !known.has(name))
    .sort();
}
