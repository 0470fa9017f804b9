import { SHIM_ENV_PREFIX } from '../config/option-specs.js';

export interface ChildEnvSources {
  /** The environment the shim received (the client config's `env` block arrives this way). */
  readonly received: Readonly<Record<string, string | undefined>>;
  /** Values from `--env-file` files, already parsed. A name the shim received keeps its received value. */
  readonly envFileValues?: Readonly<Record<string, string>>;
  /** When set, only these received names pass; env-file values always pass. */
  readonly allow?: readonly string[] | undefined;
}

// Windows environment names are case-insensitive (`Path` is `PATH`).
const normalizeName =
  process.platform === 'win32' ? (name: string) => name.toUpperCase() : (name: string) => name;

/**
 * Builds the child's environment explicitly: what the shim received minus `MCP_OPA_SHIM_*`,
 * optionally narrowed to an allow-list, plus env-file values. Received values win over env-file
 * ones, as with dotenv and `node --env-file`, so wrapping never changes what a working config set.
 */
export function buildChildEnv(sources: ChildEnvSources): Record<string, string> {
  const allowed =
    sources.allow === undefined ? undefined : new Set(sources.allow.map(normalizeName));
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(sources.envFileValues ?? {})) {
    if (!isShimSetting(name)) env[name] = value;
  }
  for (const [name, value] of Object.entries(sources.received)) {
    if (value === undefined || isShimSetting(name)) continue;
    if (allowed !== undefined && !allowed.has(normalizeName(name))) continue;
    env[name] = value;
  }
  return env;
}

export function isShimSetting(name: string): boolean {
  return normalizeName(name).startsWith(SHIM_ENV_PREFIX);
}
