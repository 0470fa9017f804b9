import type { PolicyInput } from './policy-input.js';

/**
 * The normalised result of one evaluation. Anything but an explicit
 * `allow: true` from the policy becomes `allow: false` with `error` saying why.
 */
export interface Decision {
  readonly allow: boolean;
  readonly reasons: readonly string[];
  /** Shown to the client/model. */
  readonly message?: string;
  /** Logs and audit only. */
  readonly internal_message?: string;
  readonly obligations?: Readonly<Record<string, unknown>>;
  /**
   * The policy asked for secrecy (`conceal: true`): a denied call to a tool hidden from lists is
   * answered `Unknown tool`, as for a tool that does not exist, instead of with `message`.
   */
  readonly conceal?: true;
  /** Set when the shim failed closed: undefined result, evaluation error, bad shape… */
  readonly error?: string;
}

export interface PolicyRevision {
  /** sha256 (hex) of the loaded `.wasm` or bundle file. */
  readonly sha256: string;
  /** `.manifest` revision of a bundle, if any. */
  readonly bundleRevision?: string;
  /** Where it came from: `embedded`, or the file path. */
  readonly source: string;
}

/** OPA's decision-log entrypoints: optional in any policy, present in the default one. */
export const MASK_ENTRYPOINT = 'system/log/mask';
export const DROP_ENTRYPOINT = 'system/log/drop';

/** OPA `system.log.mask` result: erase pointers or `{op, path, value}` patches. */
export type MaskRule =
  string | { readonly op: 'remove' | 'upsert'; readonly path: string; readonly value?: unknown };

export interface PolicyEngine {
  /** Never throws: failures come back as a deny with `error` set. */
  evaluate(input: PolicyInput): Decision;
  /** `system/log/mask` for this input, or `[]` when the policy defines none. Never throws. */
  maskRules(input: PolicyInput): readonly MaskRule[];
  /** `system/log/drop` for this input; false when undefined. Never throws. */
  shouldDrop(input: PolicyInput): boolean;
  readonly revision: PolicyRevision;
  close(): void;
}
