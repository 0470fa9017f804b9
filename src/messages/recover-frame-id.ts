import type { JsonRpcId } from '../core/json-rpc.js';
import { recoverId } from './parse-frame.js';

/**
 * `,"id":<number or string>}` closing the frame. In a valid JSON object the text before its final
 * `}` is the value of its last top-level member, and a `"id"` key opened right after `,` or `{`
 * cannot be the inside of a string, so a match is the top-level id, whatever the frame nests.
 */
const LAST_MEMBER_ID = /[{,]\s*"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/;

/**
 * Best-effort ids of a frame too large to parse, from its first and last bytes: the tail's first
 * (SDK programs write `id` last, and there a match is the top-level id; the head's may be nested),
 * then the head's. Two when they differ: a line that never ended swallows the next message, whose
 * `\n` then ends it, so its head and its tail can belong to two messages, both lost.
 */
export function recoverFrameIds(head: string, tail: string): JsonRpcId[] {
  const ids: JsonRpcId[] = [];
  const fromTail = idFromTail(tail);
  if (fromTail !== null) ids.push(fromTail);
  const fromHead = recoverId(head);
  if (fromHead !== null && fromHead !== fromTail) ids.push(fromHead);
  return ids;
}

/** The id to answer a refused frame with: the tail's, else the head's, else null. */
export function recoverFrameId(head: string, tail: string): JsonRpcId | null {
  return recoverFrameIds(head, tail)[0] ?? null;
}

function idFromTail(tail: string): JsonRpcId | null {
  const match = LAST_MEMBER_ID.exec(tail);
  if (match?.[1] !== undefined) return asId(parseOrUndefined(match[1]));
  // A whole message at the end (one a never-ending line swallowed): the longest suffix that is
  // one JSON object. At most 256 short parses, and only for frames that were refused anyway.
  for (let at = tail.indexOf('{'); at !== -1; at = tail.indexOf('{', at + 1)) {
    const value = parseOrUndefined(tail.slice(at));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return asId((value as { id?: unknown }).id);
    }
  }
  return null;
}

function asId(value: unknown): JsonRpcId | null {
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
