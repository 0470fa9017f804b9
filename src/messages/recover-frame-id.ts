import { recoverId } from './parse-frame.js';

/**
 * `,"id":<number or string>}` closing the frame. In a valid JSON object the text before its final
 * `}` is the value of its last top-level member, and a `"id"` key opened right after `,` or `{`
 * cannot be the inside of a string, so a match is the top-level id, whatever the frame nests.
 */
const LAST_MEMBER_ID = /[{,]\s*"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*\}\s*$/;

/**
 * Best-effort id of a frame too large to parse, from its first and last bytes. The tail comes
 * first: SDK programs write `id` last, and there a match is the top-level id; the head's match
 * may be a nested one.
 */
export function recoverFrameId(head: string, tail: string): string | number | null {
  const match = LAST_MEMBER_ID.exec(tail);
  if (match?.[1] !== undefined) {
    try {
      const id = JSON.parse(match[1]) as unknown;
      if (typeof id === 'number' || typeof id === 'string') return id;
    } catch {
      // Not a JSON value after all: try the head.
    }
  }
  return recoverId(head);
}
