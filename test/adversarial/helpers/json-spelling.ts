/**
 * Every way JSON may spell a string's characters, chosen per character: raw, `\uXXXX` in lower or
 * upper hex, the short escapes (`\n`, `\/`, `\"`…), astral characters raw or as a surrogate pair
 * (each half in either case). `choices` picks per character (cycled); 0 is the plain spelling.
 */
const SHORT: Record<string, string> = {
  '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t',
};

const hex = (unit: number, upper: boolean): string => {
  const digits = unit.toString(16).padStart(4, '0');
  return `\\u${upper ? digits.toUpperCase() : digits}`;
};

export function spellJsonString(value: string, choices: readonly number[]): string {
  let out = '"';
  let k = 0;
  const next = (): number => (choices.length === 0 ? 0 : (choices[k++ % choices.length] ?? 0));
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const choice = next() % 4;
    const mustEscape = char === '"' || char === '\\' || code < 0x20;
    const lone = code >= 0xd800 && code <= 0xdfff; // no UTF-8 spelling: escape only
    if (code > 0xffff) {
      if (choice === 0) out += char;
      else out += hex(char.charCodeAt(0), choice === 2) + hex(char.charCodeAt(1), choice !== 1);
    } else if (choice === 1 || choice === 2 || lone || (mustEscape && SHORT[char] === undefined)) {
      out += hex(code, choice === 2);
    } else if (choice === 3 && SHORT[char] !== undefined) {
      out += SHORT[char];
    } else {
      out += mustEscape ? (SHORT[char] ?? hex(code, false)) : char;
    }
  }
  return `${out}"`;
}
