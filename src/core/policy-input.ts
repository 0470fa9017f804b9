/**
 * The policy input, schema version 1. Documented in docs/policy-input.md.
 * Small and projected: never the raw frame, never a secret value.
 */

export const POLICY_INPUT_VERSION = 1;

export type Direction = 'to_server' | 'to_client';
export type MessageKind = 'request' | 'notification' | 'response' | 'error';

export type OperationType =
  | 'lifecycle' // initialize, notifications/initialized, server/discover
  | 'ping'
  | 'tool'
  | 'resource'
  | 'prompt'
  | 'completion'
  | 'logging'
  | 'sampling'
  | 'elicitation'
  | 'roots'
  | 'task'
  | 'subscription'
  | 'notification'
  | 'other';

export interface ToolAnnotations {
  readonly title?: string;
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
  readonly idempotentHint?: boolean;
  readonly openWorldHint?: boolean;
}

/** A part of a tool's definition that a pin covers (added 2026-12-06, input version 1). */
export type PinPart = 'description' | 'input_schema' | 'output_schema' | 'annotations';

/**
 * A tool against its pin (added 2026-12-06, input version 1). `new`: not in the pin file (not yet accepted);
 * `pinned`: as pinned; `changed`: differs from its pin in the `changed` parts.
 */
export interface ToolPin {
  readonly status: 'new' | 'pinned' | 'changed';
  /** For `changed`: the parts that differ, in the order of PinPart. */
  readonly changed?: readonly PinPart[];
}

export interface Operation {
  readonly type: OperationType;
  /** Tool or prompt name, resource URI, or the method for other types. */
  readonly name?: string;
  /** True when this input asks "may this item be advertised?" for a list result. */
  readonly listing: boolean;
  /** For tools: whether the shim ever saw it in a `tools/list` result. */
  readonly listed?: boolean;
  readonly annotations?: ToolAnnotations;
  /** sha256 (hex) of the tool description as listed. */
  readonly description_sha256?: string;
  /** Tools, when pinning is on (added 2026-12-06, input version 1): the tool against its pin (docs/pinning.md). */
  readonly pin?: ToolPin;
  /**
   * For sampling/elicitation: a small projection (mode, requested field names…). Elicitation
   * requests also carry `folded_message`, `folded_texts` (form mode) and `folded_truncated`:
   * the texts the user is shown, folded for matching (elicitation-texts.ts; added in version 1).
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface ResolvedPath {
  /** JSON pointer into `arguments` (`/uri` for a resource URI, `/roots/N/uri` for a roots answer). */
  readonly pointer: string;
  readonly raw: string;
  /** Absolute, realpath-resolved; undefined when it cannot be resolved. */
  readonly resolved?: string;
  readonly within_roots: boolean;
  /**
   * Why `resolved` is missing although the path is well formed:
   * `relative_base_unknown` for a relative path when the server's command line
   * hides its directories (a shell or launcher) and no `--path-base` names them
   * (never within the roots); `relative_base_ambiguous` when the server's bases
   * turn it into different files (within the roots only if every one is).
   */
  readonly unresolved_because?: 'relative_base_unknown' | 'relative_base_ambiguous';
  /** The configured root that contains it. */
  readonly root?: string;
}

export interface RecentOperation {
  readonly type: OperationType;
  readonly name?: string;
  readonly allow: boolean;
}

/** `once`: this exact call (tool + arguments digest); `session`: the tool for the rest of the session. Added 2026-12-06. */
export type ApprovalScope = 'once' | 'session';

/** One approval a human gave in this session (`session.approvals`); never the arguments. Added 2026-12-06. */
export interface SessionApproval {
  readonly tool: string;
  readonly scope: ApprovalScope;
  readonly at: string;
}

export interface PolicyInput {
  readonly version: typeof POLICY_INPUT_VERSION;
  readonly direction: Direction;
  readonly message: {
    readonly kind: MessageKind;
    readonly method?: string;
    readonly id?: string | number;
  };
  readonly operation: Operation;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** JSON pointers of argument values left out of `arguments` because they were too large. */
  readonly arguments_omitted?: readonly string[];
  readonly paths: readonly ResolvedPath[];
  readonly principal: {
    readonly id: string;
    readonly roles: readonly string[];
    readonly attributes: Readonly<Record<string, string>>;
  };
  readonly client: {
    readonly self_declared: true;
    readonly info?: Readonly<Record<string, unknown>>;
    readonly capabilities?: Readonly<Record<string, unknown>>;
    readonly protocol_version?: string;
  };
  readonly server: {
    readonly id: string;
    readonly command: readonly string[];
    readonly info?: Readonly<Record<string, unknown>>;
  };
  readonly transport: 'stdio';
  readonly session: {
    readonly id: string;
    readonly started_at: string;
    readonly era: 'unknown' | 'legacy' | 'modern';
    readonly counts: Readonly<Record<string, number>>;
    readonly recent: readonly RecentOperation[];
    /** Added 2026-12-06. */
    readonly approvals: readonly SessionApproval[];
  };
  /** `scope` (added 2026-12-06, input version 1) is present when `granted` is true. */
  readonly approval: { readonly granted: boolean; readonly scope?: ApprovalScope };
  readonly environment: { readonly names: readonly string[] };
  readonly roots: readonly string[];
  readonly mode: 'enforce' | 'monitor';
  /** Calls counted in the last minute, this session (added 2026-12-06; docs/rate-limits.md). */
  readonly rate?: CountWindow;
  /** Calls counted in the last day by every shim of the principal (added 2026-12-06, input version 1). */
  readonly quota?: CountWindow;
}

/**
 * One sliding window of counted `tools/call`s, keyed as the policy asked (`<server>/<tool>`,
 * `<server>/<tool>|<argument>=<value>`). Present on `tools/call` inputs once a decision asked
 * for a count.
 */
export interface CountWindow {
  readonly window_seconds: number;
  /** Counted calls per key inside the window; a key with none is absent. */
  readonly counts: Readonly<Record<string, number>>;
  /** Per key, when its oldest counted call leaves the window (ISO 8601). */
  readonly resets_at: Readonly<Record<string, string>>;
}
