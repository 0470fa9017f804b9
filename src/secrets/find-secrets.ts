import { decodedStarts, decodeEscapes } from './decode-escapes.js';

export interface Secret {
  readonly value: string;
  readonly marker: string;
}

/** Where a secret occurs in a text, in that text's own indexes (the escapes spelling it included). */
export interface SecretSpan {
  readonly start: number;
  readonly end: number;
  readonly marker: string;
}

/**
 * How many levels of escaping are decoded: JSON text inside a JSON string is two, a tool result
 * that quotes such a message three. Text still decoding further is refused (see
 * TooDeeplyEscapedError) rather than forwarded unread: each level costs a pass over the text, and
 * a hostile server could otherwise nest without end (`\u005cu005c…` peels one level per escape).
 */
export const MAX_ESCAPE_LEVELS = 8;

/** Thrown when a text still has escapes to decode after MAX_ESCAPE_LEVELS: it cannot be cleared. */
export class TooDeeplyEscapedError extends Error {
  constructor() {
    super(
      `text still has JSON escapes after ${MAX_ESCAPE_LEVELS} levels of decoding, so the shim cannot rule out a secret spelled with them; it was withheld`,
    );
    this.name = 'TooDeeplyEscapedError';
  }
}

// Canonical JSON (JSON.stringify) spells these with an escape, so they need decoding even when
// a text has only canonical escapes; every other character has one canonical spelling, itself.
function needsEscape(value: string): boolean {
  for (let k = 0; k < value.length; k++) {
    const unit = value.charCodeAt(k);
    if (unit < 0x20 || unit === 0x22 || unit === 0x5c) return true;
  }
  return false;
}
const BACKSLASH_U = Buffer.from('\\u');
const BACKSLASH_SLASH = Buffer.from('\\/');

/**
 * Finds secret values in text however JSON escapes spell them: the raw value at each level,
 * then the text with one more level of escapes decoded, and so on, each occurrence mapped back
 * to the characters of the original text that spell it.
 */
export class SecretFinder {
  /** No value contains a character canonical JSON escapes. */
  private readonly plain: boolean;

  constructor(private readonly secrets: readonly Secret[]) {
    this.plain = secrets.every(({ value }) => !needsEscape(value));
  }

  /**
   * Only `\u` and `\/` spell a plain character another way, so a text without them (`\\u`
   * contains `\u` too, so nested levels count) shows each plain value raw or not at all. A value
   * with `"`, `\` or a control character needs decoding whenever the text has any escape.
   */
  mayHide(text: string): boolean {
    if (text.includes('\\u') || text.includes('\\/')) return true;
    return !this.plain && text.includes('\\');
  }

  /** The byte-level twin of mayHide, for frames not yet decoded from UTF-8. */
  bytesMayHide(bytes: Buffer): boolean {
    if (bytes.includes(BACKSLASH_U) || bytes.includes(BACKSLASH_SLASH)) return true;
    return !this.plain && bytes.includes(0x5c);
  }

  /** Every occurrence (`firstOnly`: stop at the first). Throws TooDeeplyEscapedError. */
  spans(text: string, level: number, firstOnly: boolean): SecretSpan[] {
    const found: SecretSpan[] = [];
    if (this.secrets.length === 0) return found;
    for (const { value, marker } of this.secrets) {
      // Leftmost non-overlapping occurrences: any other occurrence overlaps one of them, so
      // replacing these breaks it too.
      for (let at = text.indexOf(value); at !== -1; at = text.indexOf(value, at + value.length)) {
        found.push({ start: at, end: at + value.length, marker });
        if (firstOnly) return found;
      }
    }
    if (!this.mayHide(text)) return found;
    const decoded = decodeEscapes(text);
    if (decoded === text) return found;
    if (level >= MAX_ESCAPE_LEVELS) throw new TooDeeplyEscapedError();
    const deeper = this.spans(decoded, level + 1, firstOnly);
    if (deeper.length === 0) return found;
    const starts = decodedStarts(text);
    for (const { start, end, marker } of deeper) {
      found.push({ start: starts[start] ?? text.length, end: starts[end] ?? text.length, marker });
    }
    return found;
  }
}

/** `text` with each span replaced by its marker; overlapping spans become one, the longest's marker. */
export function replaceSpans(text: string, spans: readonly SecretSpan[]): string {
  if (spans.length === 0) return text;
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let copied = 0;
  let current: { start: number; end: number; marker: string; length: number } | undefined;
  const flush = (): void => {
    if (current === undefined) return;
    out += text.slice(copied, current.start) + current.marker;
    copied = current.end;
  };
  for (const { start, end, marker } of sorted) {
    if (current !== undefined && start < current.end) {
      if (end - start > current.length) {
        current.marker = marker;
        current.length = end - start;
      }
      current.end = Math.max(current.end, end);
      continue;
    }
    flush();
    current = { start, end, marker, length: end - start };
  }
  flush();
  return out + text.slice(copied);
}
