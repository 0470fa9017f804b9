import type { PolicyRevision } from '../../core/decision.js';

/**
 * One bundle's state, in the terms of OPA's status report (`bundles.<name>` there): what the
 * status reporter and `mcp-opa-shim status` show. Times are ISO 8601.
 */
export interface BundleStatus {
  readonly name: string;
  /** The bundle's `.manifest` revision, or '' when it has none; undefined before any activation. */
  readonly activeRevision?: string;
  /** The active engine's revision (sha256 of the bundle file, source URL). */
  readonly policyRevision?: PolicyRevision;
  readonly etag?: string;
  readonly lastRequest?: string;
  readonly lastSuccessfulRequest?: string;
  readonly lastSuccessfulDownload?: string;
  readonly lastSuccessfulActivation?: string;
  /** HTTP status of the last response, when there was one. */
  readonly httpCode?: number;
  /** Set while the last attempt failed: OPA's `bundle_error`. */
  readonly code?: 'bundle_error';
  readonly message?: string;
  readonly errors?: readonly string[];
}

/** What happened on one poll (or the start-up load of a persisted bundle). */
export type BundleEvent =
  | {
      readonly kind: 'activated';
      readonly bundle: string;
      readonly from: 'server' | 'disk';
      readonly revision: PolicyRevision;
    }
  | { readonly kind: 'not_modified'; readonly bundle: string }
  | {
      readonly kind: 'failed';
      readonly bundle: string;
      /** `download`: no usable response; `activation`: the bundle was refused (bad tar, signature, policy, data). */
      readonly stage: 'download' | 'activation';
      readonly error: string;
      readonly httpCode?: number;
    };
