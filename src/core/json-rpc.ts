/** JSON-RPC 2.0 shapes as the relay sees them after classification. */

export type JsonRpcId = string | number;
export type JsonObject = Record<string, unknown>;

export interface JsonRpcErrorBody {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type ClassifiedMessage =
  | {
      readonly kind: 'request';
      readonly id: JsonRpcId;
      readonly method: string;
      readonly params: JsonObject | undefined;
    }
  | {
      readonly kind: 'notification';
      readonly method: string;
      readonly params: JsonObject | undefined;
    }
  | { readonly kind: 'response'; readonly id: JsonRpcId; readonly result: JsonObject }
  | { readonly kind: 'error'; readonly id: JsonRpcId | null; readonly error: JsonRpcErrorBody }
  /** Parsed as JSON but not a valid JSON-RPC message; `id` is recovered when possible. */
  | { readonly kind: 'invalid'; readonly id: JsonRpcId | null; readonly reason: string };

/** Error codes the shim answers with (JSON-RPC 2.0 and MCP). */
export const ErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
} as const;

/** Map keys for ids: `1` and `"1"` are different ids. */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
