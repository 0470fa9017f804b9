/**
 * Finds the first duplicate object key in a JSON text that JSON.parse already accepted.
 *
 * Why: JSON.parse keeps the last duplicate while other parsers keep the first, so a frame
 * with duplicate keys could be judged as one message and executed as another. We refuse
 * such frames instead of guessing which reading the server will take.
 *
 * The text must be valid JSON; the scan only tracks structure, skipping string bodies
 * with indexOf, so it costs little on typical requests.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;

interface ObjectFrame {
  keys: Set<string> | undefined;
  first: string | undefined;
  expectKey: boolean;
}

/** Index of the closing quote of the string opening at `start`. */
function endOfString(text: string, start: number): number {
  let from = start + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let i = quote - 1; text.charCodeAt(i) === BACKSLASH; i--) backslashes++;
    if (backslashes % 2 === 0) return quote;
    from = quote + 1;
  }
}

function decodeKey(text: string, start: number, end: number): string {
  const body = text.slice(start + 1, end);
  // Escapes can spell the same key two ways ("a" and "\u0061"): compare decoded forms.
  return body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
}

/** Returns the duplicated key, or undefined when every object's keys are unique. */
export function findDuplicateKey(text: string): string | undefined {
  // `undefined` entries stand for arrays.
  const stack: (ObjectFrame | undefined)[] = [];
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const end = endOfString(text, i);
      const top = stack[stack.length - 1];
      if (top?.expectKey) {
        top.expectKey = false;
        const key = decodeKey(text, i, end);
        if (top.first === undefined) {
          top.first = key;
        } else {
          top.keys ??= new Set([top.first]);
          if (top.keys.has(key)) return key;
          top.keys.add(key);
        }
      }
      i = end;
    } else if (code === OPEN_OBJECT) {
      stack.push({ keys: undefined, first: undefined, expectKey: true });
    } else if (code === OPEN_ARRAY) {
      stack.push(undefined);
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      stack.pop();
    } else if (code === COMMA) {
      const top = stack[stack.length - 1];
      if (top) top.expectKey = true;
    }
  }
  return undefined;
}
