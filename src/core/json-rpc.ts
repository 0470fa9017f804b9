/**
 * JSON-RPC 2.0 shapes as the relay sees them after classification, in the MCP SDK's terms.
 *
 * Type imports only: `@modelcontextprotocol/sdk/types.js` builds its zod schemas when loaded
 * (a dynamic import of it took 120–170 ms on the shared development machine), so no value of it
 * reaches the bundle; `npm run deps:check` keeps src/core to type imports. The SDK's own message types are not used for the classified shapes: they
 * are zod-inferred for a client or server that trusts its peer, and a proxy needs them otherwise
 * (see ClassifiedMessage).
 */
import type {
  ErrorCode,
  JSONRPCErrorResponse,
  JSONRPCNotification,
  JSONRPCRequest,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/** `string | number`, as the SDK reads it; `1` and `"1"` are different ids (see idKey). */
export type JsonRpcId = RequestId;
export type JsonObject = Record<string, unknown>;

/** The SDK's error object (`code`, `message`, `data?`), read-only. */
export type JsonRpcErrorBody = Readonly<JSONRPCErrorResponse['error']>;

/**
 * One message, classified. Where the SDK's shapes do not fit a proxy:
 * - `params` and `result` are plain objects here: the SDK types their `_meta` (a progress token,
 *   a related task), which the relay must pass on whatever a peer put there, not trust.
 * - an error's `id` is `null` when the peer sent `null` (JSON-RPC's "id unknown"), where the SDK
 *   has it optional: the shim must answer a frame it could not read with `id: null`.
 * - `invalid` has no SDK counterpart: valid JSON that is not a JSON-RPC message still gets an
 *   answer (or a fault record), never silence.
 */
export type ClassifiedMessage =
  | {
      readonly kind: 'request';
      readonly id: JSONRPCRequest['id'];
      readonly method: JSONRPCRequest['method'];
      readonly params: JsonObject | undefined;
    }
  | {
      readonly kind: 'notification';
      readonly method: JSONRPCNotification['method'];
      readonly params: JsonObject | undefined;
    }
  | { readonly kind: 'response'; readonly id: JsonRpcId; readonly result: JsonObject }
  | { readonly kind: 'error'; readonly id: JsonRpcId | null; readonly error: JsonRpcErrorBody }
  /** Parsed as JSON but not a valid JSON-RPC message; `id` is recovered when possible. */
  | { readonly kind: 'invalid'; readonly id: JsonRpcId | null; readonly reason: string };

/**
 * Error codes the shim answers with: the SDK's `ErrorCode` values, checked against it by the
 * compiler (`satisfies`) rather than imported, so that the SDK is never loaded at run time.
 */
export const ErrorCodes = {
  parseError: -32700 satisfies ErrorCode.ParseError,
  invalidRequest: -32600 satisfies ErrorCode.InvalidRequest,
  methodNotFound: -32601 satisfies ErrorCode.MethodNotFound,
  invalidParams: -32602 satisfies ErrorCode.InvalidParams,
  internalError: -32603 satisfies ErrorCode.InternalError,
} as const;

/** Map keys for ids: `1` and `"1"` are different ids. */
export function idKey(id: JsonRpcId): string {
  return typeof id === 'number' ? `n${id}` : `s${id}`;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
