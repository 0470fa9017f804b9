/**
 * The parsed `--config` file: the subset of OPA's own configuration format the shim supports
 * (docs/fleet.md). Names follow OPA's keys; defaults are OPA's. Built by `readOpaConfig`.
 */

/** A bad `--config` file. The message names the file, the key, the value and the fix. */
export class FleetConfigError extends Error {
  override readonly name = 'FleetConfigError';
}

export interface BearerCredentials {
  /** `token`, after `${VAR}` substitution. */
  readonly token?: string;
  /** `token_path`: read on every request, as OPA does, so a rotated token is picked up. */
  readonly tokenPath?: string;
  /** `scheme`, default `Bearer`. */
  readonly scheme: string;
}

export interface ServiceConfig {
  readonly name: string;
  /** Base URL, without a trailing slash. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly bearer?: BearerCredentials;
  /** `tls.ca_cert`: a PEM file of CAs trusted for this service (in addition to none: it replaces the defaults). */
  readonly caCertPath?: string;
  /** `response_header_timeout_seconds`, default 10 as in OPA. */
  readonly responseHeaderTimeoutSeconds: number;
}

export type KeyAlgorithm =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'HS256'
  | 'HS384'
  | 'HS512';

export interface KeyConfig {
  readonly id: string;
  /** Default RS256, as in OPA. */
  readonly algorithm: KeyAlgorithm;
  /** A PEM public key for RS/PS/ES, the shared secret for HS. */
  readonly key: string;
  readonly scope?: string;
}

export interface BundleSigningConfig {
  /** When unset, the key named by the JWS `kid` header is used (it must be in `keys`). */
  readonly keyid?: string;
  readonly scope?: string;
  readonly excludeFiles: readonly string[];
}

export interface BundleConfig {
  readonly name: string;
  readonly service: string;
  /** Default `bundles/<name>`, as in OPA. */
  readonly resource: string;
  readonly persist: boolean;
  readonly polling: {
    /** Defaults 60 and 120, as in OPA. */
    readonly minDelaySeconds: number;
    readonly maxDelaySeconds: number;
    readonly longPollingTimeoutSeconds?: number;
  };
  /** Set when `signing` is present: unsigned or badly signed bundles are then refused. */
  readonly signing?: BundleSigningConfig;
}

export interface DecisionLogsConfig {
  /** Unset when only `console` logging is configured. */
  readonly service?: string;
  /** Default `/logs`. */
  readonly resource: string;
  readonly reporting: {
    /** Defaults 300 and 600, as in OPA. */
    readonly minDelaySeconds: number;
    readonly maxDelaySeconds: number;
    /** Unset: no limit configured (the uploader chooses its own bound and documents it). */
    readonly bufferSizeLimitBytes?: number;
    /** Default 32768, as in OPA. */
    readonly uploadSizeLimitBytes: number;
  };
  /** Default `system/log/mask` (OPA's `/system/log/mask`; a leading slash is dropped). */
  readonly maskDecision: string;
  /** Default `system/log/drop`. */
  readonly dropDecision: string;
  readonly console: boolean;
}

export interface StatusConfig {
  /** Unset when only `console` reporting is configured. */
  readonly service?: string;
  readonly console: boolean;
}

export interface FleetConfig {
  /** The `--config` file, for messages. */
  readonly fileName: string;
  readonly services: Readonly<Record<string, ServiceConfig>>;
  readonly keys: Readonly<Record<string, KeyConfig>>;
  readonly bundles: Readonly<Record<string, BundleConfig>>;
  readonly decisionLogs?: DecisionLogsConfig;
  readonly status?: StatusConfig;
  readonly labels: Readonly<Record<string, string>>;
}
