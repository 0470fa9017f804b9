/**
 * What the bundle engine tells status reports and `mcp-opa-shim status` about one bundle, with
 * the field names of OPA's status API (`bundles.<name>`). Times are RFC 3339. The bundle
 * poller implements `BundleStatusSource`; until it reports, a bundle has no entry.
 */
export interface BundleStatus {
  readonly name: string;
  readonly active_revision?: string;
  readonly last_successful_activation?: string;
  readonly last_successful_download?: string;
  readonly last_successful_request?: string;
  readonly last_request?: string;
  /** The last download or activation error (OPA: `bundle_error`), cleared by a success. */
  readonly code?: string;
  readonly message?: string;
  readonly errors?: readonly string[];
  readonly http_code?: number;
  readonly size?: number;
  readonly type?: 'snapshot' | 'delta';
}

export interface BundleStatusSource {
  current(): Readonly<Record<string, BundleStatus>>;
  /** Called after every poll outcome (new revision, not modified, error); returns an unsubscribe. */
  onChange(listener: () => void): () => void;
}
