/** The validated, frozen configuration every component reads. Built by `validate-options.ts`. */

export type Mode = 'enforce' | 'monitor';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** `auto`: human-readable on a terminal, JSON lines otherwise. */
export type LogFormat = 'auto' | 'pretty' | 'json';

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
  readonly logFormat: LogFormat;
  /** Largest frame the client may send: larger ones are answered with an error, never forwarded. */
  readonly maxFrameBytesToServer: number;
  /** Largest frame the server may send: larger ones are dropped and their request failed. */
  readonly maxFrameBytesToClient: number;
  readonly roots: readonly string[];
  /** Extra JSON pointers (RFC 6901) into tool arguments that hold file paths. */
  readonly pathPointers: readonly string[];
  /**
   * `--path-base`: directories the server reads relative paths against, as written and
   * realpath'd. They replace the server's working directory as a guessed base, and name the
   * bases when the command line hides them (a shell or launcher).
   */
  readonly pathBases: readonly string[];
  /** `--state-dir`: persisted quota counters (created when first needed). */
  readonly stateDir: string;
  readonly mode: Mode;
  readonly auditLog: string | undefined;
  readonly auditStderr: boolean;
  /** Names of environment variables whose values are secrets, beyond the name patterns. */
  readonly secretEnv: readonly string[];
  /** Case-insensitive substrings; an env var whose name contains one is a secret. */
  readonly secretNamePatterns: readonly string[];
  /** Milliseconds between shutdown stages (close stdin → SIGTERM → SIGKILL). */
  readonly shutdownGraceMs: number;
  /** `--approval-timeout`, in milliseconds: how long a call waits for a human's approval. */
  readonly approvalTimeoutMs: number;
  /** `--config`: an OPA configuration file (fleet mode, docs/fleet.md). */
  readonly fleetConfigFile?: string;
  /** `--pins`: the file this server's tool pins are kept in; undefined when pinning is off. */
  readonly pinsFile?: string | undefined;
}

/**
 * The MCP TypeScript SDK's stdio transports (`ReadBuffer`, server and client, v1 and v2) fail
 * the whole connection once the bytes they hold plus the chunk just read exceed
 * `STDIO_DEFAULT_MAX_BUFFER_SIZE`, 10 MiB. They hold at most the unfinished frame, and a pipe read
 * brings at most 64 KiB, so a frame of 10 MiB − 64 KiB (content, without its newline) is the
 * largest one that never trips it however the pipe splits the stream.
 */
export const SDK_SAFE_FRAME_BYTES = 10 * 1024 * 1024 - 64 * 1024;
/** Servers built on the SDK die on a larger frame (server-filesystem, -everything, -memory). */
export const DEFAULT_MAX_FRAME_BYTES_TO_SERVER = SDK_SAFE_FRAME_BYTES;
/**
 * SDK clients (Claude Desktop, Claude Code, the Inspector) close the whole session on a larger
 * frame; refusing it costs the one request instead, and bounds what an untrusted server makes the
 * shim hold.
 */
export const DEFAULT_MAX_FRAME_BYTES_TO_CLIENT = SDK_SAFE_FRAME_BYTES;
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
