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

/** A `tools/call` result the model sees: the call failed with this message. */
export function toolErrorReply(id: JsonRpcId, message: string): string {
  return resultReply(id, { content: [{ type: 'text', text: message }], isError: true });
}
