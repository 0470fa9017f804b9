import { findDuplicateKey } from './find-duplicate-key.js';

export type ParsedFrame =
  | { readonly ok: true; readonly value: unknown }
  | {
      readonly ok: false;
      readonly fault: 'parse_error' | 'duplicate_key' | 'lone_surrogate';
      readonly detail: string;
    };

/**
 * The duplicate-key rule, one for both directions: text that goes on as its sender wrote it,
 * after the shim judged what it says, must have one reading only (JSON.parse keeps a repeated
 * key's last value, other parsers its first), so a repeated key refuses the frame. Every client
 * message is judged: `parseFrame(text, true)` applies the rule to each. From the server, a
 * request is judged and a batch goes on as its text: the relay applies the rule to those. Server
 * answers and notifications go on unjudged, or re-encoded from the value the shim judged (lists,
 * embedded requests), which is then the only reading there is.
 * Returns the fault's detail, or undefined when no key repeats.
 */
export function duplicateKeyDetail(text: string): string | undefined {
  const duplicate = findDuplicateKey(text);
  return duplicate === undefined ? undefined : `duplicate key ${JSON.stringify(duplicate)}`;
}

/**
 * Parses one frame. With `strict` (a client frame), a frame whose objects repeat a key is
 * refused (see duplicateKeyDetail), and so is a lone surrogate.
 */
export function parseFrame(text: string, strict: boolean): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      fault: 'parse_error',
      detail: withoutQuotedText(error instanceof Error ? error.message : String(error)),
    };
  }
  if (strict && typeof value === 'object' && value !== null) {
    const duplicate = duplicateKeyDetail(text);
    if (duplicate !== undefined) return { ok: false, fault: 'duplicate_key', detail: duplicate };
  }
  // A lone surrogate has no UTF-8 form: the policy engine cannot read it as the server would.
  if (strict && LONE_SURROGATE_ESCAPE.test(text) && hasLoneSurrogate(value)) {
    return {
      ok: false,
      fault: 'lone_surrogate',
      detail: 'a string holds an unpaired UTF-16 surrogate escape (\\uD800-\\uDFFF)',
    };
  }
  return { ok: true, value };
}

const LONE_SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isWellFormed = (text: string): boolean => !LONE_SURROGATE.test(text);

function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return !isWellFormed(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  return Object.entries(value).some(([key, item]) => !isWellFormed(key) || hasLoneSurrogate(item));
}

/**
 * V8 quotes up to ten characters of the frame in some parse errors (`Unexpected token 'g',
 * "{"a":ghp_se"... is not valid JSON`). Cut there, a secret is no longer whole, so no scrubber
 * could recognise it in the audit or log line that carries the detail: drop the quotation.
 */
function withoutQuotedText(message: string): string {
  return message.replace(/, ".*"(\.\.\.)? is not valid JSON$/s, ' is not valid JSON');
}

/** Best-effort id recovery from the head of a frame we could not parse (oversize, truncated). */
export function recoverId(head: string): string | number | null {
  const match = /"id"\s*:\s*(-?\d{1,15}(?![\d.eE])|"(?:[^"\\]|\\.){0,200}")/.exec(head);
  if (!match?.[1]) return null;
  try {
    return JSON.parse(match[1]) as string | number;
  } catch {
    return null;
  }
}

/** The top-level id of a frame that is valid JSON (JSON.parse's reading), or null. */
export function topLevelId(text: string): string | number | null {
  try {
    const value = JSON.parse(text) as { id?: unknown } | null;
    const id = typeof value === 'object' && value !== null ? value.id : undefined;
    return typeof id === 'string' || typeof id === 'number' ? id : null;
  } catch {
    return null;
  }
}
