import type { JsonRpcId } from '../core/json-rpc.js';

/** Serialised JSON-RPC error response. */
export function errorReply(
  id: JsonRpcId | null,
  code: number,
  message: string,
  data?: unknown,
): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return JSON.stringify({ jsonrpc: '2.0', id, error });
}

/** Serialised successful response. */
export function resultReply(id: JsonRpcId, result: Record<string, unknown>): string {
  return JSON.stringify({ jsonrpc: '2.0', id, result });
}

/**
 * A `tools/call` result the model sees: the call failed with this message. `modern`: the session
 * speaks 2026-07-28, whose clients reject a result without `resultType` (the SDK's v2 client:
 * "servers implementing protocol revision 2026-07-28 MUST include it").
 */
export function toolErrorReply(id: JsonRpcId, message: string, modern: boolean): string {
  const content = [{ type: 'text', text: message }];
  return resultReply(
    id,
    modern ? { resultType: 'complete', content, isError: true } : { content, isError: true },
  );
}
