import type { JsonRpcId } from '../core/json-rpc.js';
import type { ScannedFrame, ScannedValue } from './scan-frame.js';

/**
 * The frames that may skip parsing: notifications, responses and errors, as classifyMessage
 * would classify the parsed frame. `other` is everything else (requests, invalid messages,
 * batches, repeated keys): the slow path decides those.
 */
export type ScannedMessage =
  /** `method` stays undecoded: most notifications are forwarded without reading it whole. */
  | { readonly kind: 'notification'; readonly method: ScannedValue }
  | {
      readonly kind: 'response';
      readonly id: JsonRpcId;
      /** `result.resultType` when it is a string. */
      readonly resultType: string | undefined;
    }
  | { readonly kind: 'error'; readonly id: JsonRpcId | null }
  | { readonly kind: 'other' };

const OTHER: ScannedMessage = { kind: 'other' };

function validId(id: ScannedValue | undefined): JsonRpcId | null {
  const value = id?.value;
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))
    ? value
    : null;
}

/** Mirrors classifyMessage rule for rule; a frame with repeated keys is always `other`. */
export function classifyScan(scan: ScannedFrame): ScannedMessage {
  if (scan.type !== 'object' || scan.duplicateKey) return OTHER;
  if (scan.jsonrpc?.isString('2.0') !== true) return OTHER;
  const id = validId(scan.id);
  if (scan.method !== undefined) {
    if (scan.method.type !== 'string') return OTHER;
    if (scan.params !== undefined && scan.params.type !== 'object') return OTHER;
    if (scan.id !== undefined) return OTHER;
    return { kind: 'notification', method: scan.method };
  }
  if (scan.error !== undefined) {
    if (
      scan.error.type !== 'object' ||
      scan.errorCode?.type !== 'number' ||
      scan.errorMessage?.type !== 'string'
    ) {
      return OTHER;
    }
    return { kind: 'error', id };
  }
  if (scan.result !== undefined) {
    if (id === null || scan.result.type !== 'object') return OTHER;
    const resultType = scan.resultType?.type === 'string' ? scan.resultType.value : undefined;
    return { kind: 'response', id, resultType: resultType as string | undefined };
  }
  return OTHER;
}
