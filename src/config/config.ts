/** The validated, frozen configuration every component reads. Built by `validate-options.ts`. */

export type Mode = 'enforce' | 'monitor';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export type PolicySource =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'wasm' | 'bundle' | 'rego'; readonly path: string }
  /** The default policy compiled together with `--rules` files (package `mcp.user`). */
  | { readonly kind: 'rules'; readonly paths: readonly string[] };

export interface Principal {
  readonly id: string;
  readonly roles: readonly string[];
  readonly attributes: Readonly<Record<string, string>>;
}

/** Everything the policy engine needs; shared by `run`, `eval` and `audit replay`. */
export interface PolicyConfig {
  readonly policy: PolicySource;
  readonly dataFiles: readonly string[];
  readonly entrypoint: string;
  /** Reload `--policy`/`--data` when the files change. */
  readonly watch: boolean;
}

export interface ShimConfig extends PolicyConfig {
  readonly command: string;
  readonly args: readonly string[];
  readonly envFiles: readonly string[];
  /** When set, only these variable names (plus env-file ones) reach the child. */
  readonly envAllow: readonly string[] | undefined;
  readonly principal: Principal;
  readonly serverId: string;
  readonly logLevel: LogLevel;
  readonly logFile: string | undefined;
  readonly maxFrameBytes: number;
  readonly roots: readonly string[];
  /** Extra JSON pointers (RFC 6901) into tool arguments that hold file paths. */
  readonly pathPointers: readonly string[];
  readonly mode: Mode;
  readonly auditLog: string | undefined;
  readonly auditStderr: boolean;
  /** Names of environment variables whose values are secrets, beyond the name patterns. */
  readonly secretEnv: readonly string[];
  /** Case-insensitive substrings; an env var whose name contains one is a secret. */
  readonly secretNamePatterns: readonly string[];
  /** Milliseconds between shutdown stages (close stdin → SIGTERM → SIGKILL). */
  readonly shutdownGraceMs: number;
}

export const DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;
export const DEFAULT_ENTRYPOINT = 'mcp/decision';
export const DEFAULT_SECRET_NAME_PATTERNS: readonly string[] = [
  'TOKEN',
  'SECRET',
  'KEY',
  'PASSWORD',
  'PASSWD',
  'CREDENTIAL',
  'AUTH',
  'PRIVATE',
  'SESSION',
  'COOKIE',
];
