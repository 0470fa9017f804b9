/**
 * The text OPA hashes for a structured bundle file (`.manifest`, `*.json`): the parsed value
 * with object keys sorted, no whitespace, numbers as written (OPA decodes them as json.Number)
 * and strings encoded as Go's encoding/json does without HTML escaping. Signatures therefore
 * survive reformatting, as in OPA. Throws on text that is not JSON.
 */
export function canonicalJson(text: string): string {
  const reader = { text, at: 0 };
  const out = value(reader);
  skipSpace(reader);
  if (reader.at !== text.length)
    throw new SyntaxError(`unexpected text at offset ${String(reader.at)}`);
  return out;
}

/** A value already parsed (YAML files): numbers take JavaScript's spelling. */
export function canonicalValue(parsed: unknown): string {
  if (parsed === null || typeof parsed === 'boolean') return String(parsed);
  if (typeof parsed === 'number') {
    if (!Number.isFinite(parsed)) throw new TypeError('a non-finite number cannot be hashed');
    return String(parsed);
  }
  if (typeof parsed === 'string') return goString(parsed);
  if (Array.isArray(parsed)) return `[${parsed.map(canonicalValue).join(',')}]`;
  if (typeof parsed === 'object') {
    const record = parsed as Record<string, unknown>;
    return `{${Object.keys(record)
      .sort(compareUtf8)
      .map((key) => `${goString(key)}:${canonicalValue(record[key])}`)
      .join(',')}}`;
  }
  throw new TypeError(`cannot hash a ${typeof parsed}`);
}

interface Reader {
  readonly text: string;
  at: number;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function value(reader: Reader): string {
  skipSpace(reader);
  const char = reader.text[reader.at];
  if (char === '{') return object(reader);
  if (char === '[') return array(reader);
  if (char === '"') return goString(string(reader));
  for (const literal of ['true', 'false', 'null']) {
    if (reader.text.startsWith(literal, reader.at)) {
      reader.at += literal.length;
      return literal;
    }
  }
  NUMBER.lastIndex = reader.at;
  const match = NUMBER.exec(reader.text);
  if (match === null) throw new SyntaxError(`unexpected text at offset ${String(reader.at)}`);
  reader.at += match[0].length;
  return match[0];
}

function object(reader: Reader): string {
  reader.at += 1;
  // Later duplicates win, as in Go.
  const members = new Map<string, string>();
  skipSpace(reader);
  if (reader.text[reader.at] === '}') {
    reader.at += 1;
    return '{}';
  }
  for (;;) {
    skipSpace(reader);
    const key = string(reader);
    expect(reader, ':');
    members.set(key, value(reader));
    skipSpace(reader);
    if (reader.text[reader.at] === '}') break;
    expect(reader, ',');
  }
  reader.at += 1;
  const keys = [...members.keys()].sort(compareUtf8);
  return `{${keys.map((key) => `${goString(key)}:${members.get(key) ?? ''}`).join(',')}}`;
}

function array(reader: Reader): string {
  reader.at += 1;
  const items: string[] = [];
  skipSpace(reader);
  if (reader.text[reader.at] === ']') {
    reader.at += 1;
    return '[]';
  }
  for (;;) {
    items.push(value(reader));
    skipSpace(reader);
    if (reader.text[reader.at] === ']') break;
    expect(reader, ',');
  }
  reader.at += 1;
  return `[${items.join(',')}]`;
}

function string(reader: Reader): string {
  STRING.lastIndex = reader.at;
  const match = STRING.exec(reader.text);
  if (match === null) throw new SyntaxError(`expected a string at offset ${String(reader.at)}`);
  reader.at += match[0].length;
  return JSON.parse(match[0]) as string;
}

function expect(reader: Reader, char: string): void {
  skipSpace(reader);
  if (reader.text[reader.at] !== char)
    throw new SyntaxError(`expected \`${char}\` at offset ${String(reader.at)}`);
  reader.at += 1;
}

function skipSpace(reader: Reader): void {
  while (/[ \t\n\r]/.test(reader.text[reader.at] ?? '')) reader.at += 1;
}

/** Go's encoding: JSON.stringify's escapes, plus U+2028 and U+2029 escaped. */
function goString(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Go sorts map keys by bytes (UTF-8), not by UTF-16 code units. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
