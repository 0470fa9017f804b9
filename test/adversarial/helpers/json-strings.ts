/**
 * Every string in `line` as `JSON.parse` decodes it: values and object keys, at any depth. This is
 * what a client (or a log reader) sees after decoding, however the frame spelled the characters.
 * An unparsable line yields nothing (the caller also checks the raw text).
 */
export function stringsOf(line: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return [];
  }
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') found.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [key, inner] of Object.entries(v)) {
        found.push(key);
        walk(inner);
      }
    }
  };
  walk(value);
  return found;
}
