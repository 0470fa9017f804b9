import { isJsonObject, type ClassifiedMessage, type JsonRpcId } from '../core/json-rpc.js';

function validId(value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Classifies one parsed JSON value (not an array) as a JSON-RPC message. */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (!isJsonObject(value))
    return { kind: 'invalid', id: null, reason: 'a message must be a JSON object' };
  const id = validId(value.id) ? value.id : null;
  if (value.jsonrpc !== '2.0') return { kind: 'invalid', id, reason: 'jsonrpc must be "2.0"' };
  const { method, params } = value;
  if (method !== undefined) {
    if (typeof method !== 'string')
      return { kind: 'invalid', id, reason: 'method must be a string' };
    if (params !== undefined && !isJsonObject(params)) {
      return { kind: 'invalid', id, reason: 'params must be an object' };
    }
    if ('id' in value) {
      if (id === null)
        return { kind: 'invalid', id: null, reason: 'id must be a string or a number' };
      return { kind: 'request', id, method, params };
    }
    return { kind: 'notification', method, params };
  }
  if ('error' in value) {
    const error = value.error;
    if (
      !isJsonObject(error) ||
      typeof error.code !== 'number' ||
      typeof error.message !== 'string'
    ) {
      return { kind: 'invalid', id, reason: 'error must have a numeric code and a string message' };
    }
    return {
      kind: 'error',
      id,
      error: { code: error.code, message: error.message, data: error.data },
    };
  }
  if ('result' in value) {
    if (id === null) return { kind: 'invalid', id: null, reason: 'a response needs an id' };
    if (!isJsonObject(value.result))
      return { kind: 'invalid', id, reason: 'result must be an object' };
    return { kind: 'response', id, result: value.result };
  }
  return { kind: 'invalid', id, reason: 'neither a request, a notification nor a response' };
}
