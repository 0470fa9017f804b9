import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ESCAPE_LEVELS, TooDeeplyEscapedError } from '../../src/secrets/find-secrets.js';
import { secretSetFrom, TOO_DEEP_MARKER } from '../../src/secrets/secret-set.js';

/**
 * A hostile server spells a secret with any JSON escape the client's JSON.parse decodes. These
 * tests generate every spelling of every character of a secret and check that the set finds it
 * and that what a client parses from the scrubbed text never holds the secret.
 */

const SHORT: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const hex = (unit: number) => unit.toString(16).padStart(4, '0');

/** Every way JSON can spell one code point (one or two UTF-16 units) inside a string. */
function spellings(char: string): string[] {
  const units = Array.from({ length: char.length }, (_, k) => char.charCodeAt(k));
  const out = new Set<string>();
  if (!(char in SHORT && char !== '/') && char.charCodeAt(0) >= 0x20) out.add(char);
  const short = SHORT[char];
  if (short !== undefined) out.add(short);
  out.add(units.map((u) => `\\u${hex(u)}`).join(''));
  out.add(units.map((u) => `\\u${hex(u).toUpperCase()}`).join(''));
  // Mixed case within one escape, and (for a surrogate pair) one half raw-escaped differently.
  out.add(units.map((u) => `\\u${hex(u).replace(/[a-f]/, (c) => c.toUpperCase())}`).join(''));
  if (units.length === 2) out.add(`\\u${hex(units[0]!)}\\u${hex(units[1]!).toUpperCase()}`);
  return [...out];
}

/** The canonical spelling of `text` inside a JSON string, without the quotes. */
const canonical = (text: string) => JSON.stringify(text).slice(1, -1);

/** The secret spelled canonically except for the code point at `index`, spelled `spelling`. */
function spelledWith(secret: string, index: number, spelling: string): string {
  const points = Array.from(secret);
  return points.map((p, k) => (k === index ? spelling : canonical(p))).join('');
}

/** Every string a client's JSON.parse yields from `text`, keys included. */
function parsedStrings(text: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        out.push(key);
        walk(item);
      }
    }
  };
  walk(JSON.parse(text));
  return out;
}

const SECRETS = {
  GITHUB_TOKEN: 'ghp_Ab9/Cd+e=f-g.h',
  HTML_SECRET: 'tok&<amp>&lt;x',
  DB_PASSWORD: 'pa"ss\\wo\trd\u0001',
  SECRET_PHRASE: 'größer-€-geheim',
  ASTRAL_KEY: '🔑key-😀-𝔘',
};
const set = secretSetFrom(new Map(Object.entries(SECRETS).map(([name, value]) => [value, name])));

/** Frames a hostile server writes with an encoded secret in every place a client reads. */
const PLACES: readonly ((encoded: string) => string)[] = [
  (e) => `{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"x ${e} y"}]}}`,
  (e) => `{"jsonrpc":"2.0","id":1,"result":{"${e}":1}}`,
  (e) => `{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"${e}"}}`,
  (e) =>
    `{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"${e}"}}`,
  (e) =>
    `{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":1,"progress":1,"message":"${e}"}}`,
  (e) => `{"jsonrpc":"2.0","id":1,"result":{"_meta":{"k":"${e}"},"content":[]}}`,
];

describe('a secret spelled with any JSON escape of any of its characters', () => {
  for (const [name, secret] of Object.entries(SECRETS)) {
    it(`is found and redacted in every place of a frame (${name})`, () => {
      let cases = 0;
      Array.from(secret).forEach((point, index) => {
        for (const spelling of spellings(point)) {
          for (const place of PLACES) {
            const frame = place(spelledWith(secret, index, spelling));
            // The client would read the exact secret: the case is real.
            expect(
              parsedStrings(frame).some((s) => s.includes(secret)),
              frame,
            ).toBe(true);
            expect(set.contains(frame), frame).toBe(true);
            expect(set.containsBytes(Buffer.from(frame)), frame).toBe(true);
            const scrubbed = set.scrub(frame);
            const strings = parsedStrings(scrubbed);
            expect(
              strings.some((s) => s.includes(secret)),
              scrubbed,
            ).toBe(false);
            expect(strings.join(' ')).toContain(`[redacted:${name}]`);
            cases += 1;
          }
        }
      });
      expect(cases).toBeGreaterThan(PLACES.length * secret.length);
    });
  }

  it('is found when every character is escaped, in upper-case hex', () => {
    for (const [name, secret] of Object.entries(SECRETS)) {
      const encoded = Array.from(secret)
        .map((p) =>
          p
            .split('')
            .map((u) => `\\u${hex(u.charCodeAt(0)).toUpperCase()}`)
            .join(''),
        )
        .join('');
      const frame = `{"text":"${encoded}"}`;
      expect(JSON.parse(frame)).toEqual({ text: secret });
      expect(set.scrub(frame)).toBe(`{"text":"[redacted:${name}]"}`);
    }
  });

  it('is found inside JSON text carried in a string, escaped at both levels', () => {
    const secret = SECRETS.GITHUB_TOKEN;
    const inner = `{"token":"ghp\\u005f${secret.slice(4)}"}`;
    const frame = JSON.stringify({ result: { content: [{ type: 'text', text: inner }] } });
    expect(JSON.parse(JSON.parse(frame).result.content[0].text).token).toBe(secret);
    const scrubbed = set.scrub(frame);
    expect(JSON.parse(JSON.parse(scrubbed).result.content[0].text)).toEqual({
      token: '[redacted:GITHUB_TOKEN]',
    });
  });

  it('is removed from a frame that is not valid JSON', () => {
    const frame = `{"text":"ghp\\u005f${SECRETS.GITHUB_TOKEN.slice(4)}" oops`;
    expect(set.contains(frame)).toBe(true);
    expect(set.scrub(frame)).toBe('{"text":"[redacted:GITHUB_TOKEN]" oops');
  });

  it('is found in free text such as a server stderr line', () => {
    const line = `config: token=\\u0067hp_Ab9\\/Cd+e=f-g.h`;
    expect(set.scrub(line)).toBe('config: token=[redacted:GITHUB_TOKEN]');
  });

  it('leaves the rest of the frame as written (numbers, escapes, key order)', () => {
    const frame = `{"id":12345678901234567890,"n":1.50,"a":"\\u00e9","t":"ghp\\u005f${SECRETS.GITHUB_TOKEN.slice(4)}"}`;
    expect(set.scrub(frame)).toBe(
      '{"id":12345678901234567890,"n":1.50,"a":"\\u00e9","t":"[redacted:GITHUB_TOKEN]"}',
    );
  });
});

describe('frames checked at the byte level', () => {
  it('are searched raw when they have no escape that spells a plain character', () => {
    const plain = secretSetFrom(new Map([['ghp_abcdefghij', 'GITHUB_TOKEN']]));
    for (const frame of ['{"a":"b"}', '{"a":"x\\"y\\\\z\\n"}', '{"a":"ghp_abcdefghi"}']) {
      expect(plain.containsBytes(Buffer.from(frame)), frame).toBe(false);
      expect(plain.scrub(frame)).toBe(frame);
    }
  });

  it('are decoded when an escape could spell a secret, and clear when none does', () => {
    const plain = secretSetFrom(new Map([['ghp_abcdefghij', 'GITHUB_TOKEN']]));
    expect(plain.containsBytes(Buffer.from('{"a":"\\u00e9 ghp\\/abcdefghij"}'))).toBe(false);
    expect(plain.containsBytes(Buffer.from('{"a":"\\u00e9 ghp\\u005fabcdefghij"}'))).toBe(true);
    expect(plain.containsBytes(Buffer.from('{"a":"\\u0067hp_abcdefghij"}'))).toBe(true);
  });

  it('are decoded whenever they have an escape, when a secret has a character JSON escapes', () => {
    const quoted = secretSetFrom(new Map([['pa"ssword', 'DB_PASSWORD']]));
    expect(quoted.containsBytes(Buffer.from('{"a":"pa\\"ssword"}'))).toBe(true);
    expect(quoted.containsBytes(Buffer.from('{"a":"pa\\u0022ssword"}'))).toBe(true);
    expect(quoted.containsBytes(Buffer.from('{"a":"x\\ny"}'))).toBe(false);
  });
});

describe('text escaped more deeply than the shim decodes', () => {
  const deep = (text: string, levels: number) => {
    let out = text;
    for (let k = 0; k < levels; k++)
      out = JSON.stringify(out).slice(1, -1).replaceAll('_', '\\u005f');
    return out;
  };

  it('is found up to the limit', () => {
    const text = deep(SECRETS.GITHUB_TOKEN, MAX_ESCAPE_LEVELS);
    expect(set.scrub(text)).toBe('[redacted:GITHUB_TOKEN]');
  });

  it('is refused beyond it, not passed unread', () => {
    const text = deep(SECRETS.GITHUB_TOKEN, MAX_ESCAPE_LEVELS + 1);
    expect(() => set.scrub(text)).toThrow(TooDeeplyEscapedError);
    expect(() => set.contains(text)).toThrow(TooDeeplyEscapedError);
  });

  it('costs a bounded number of passes however the escapes nest', () => {
    const text = `"${'\\u005cu005c'.repeat(50_000)}"`;
    const started = performance.now();
    expect(() => set.scrub(text)).toThrow(TooDeeplyEscapedError);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('is replaced string by string in JSON the shim writes (audit and log lines)', () => {
    const record = JSON.stringify({
      type: 'decision',
      ok: 'ghp\\u005f',
      args: { text: deep(SECRETS.GITHUB_TOKEN, MAX_ESCAPE_LEVELS + 1), other: SECRETS.DB_PASSWORD },
    });
    const out = JSON.parse(set.scrubJson(record));
    expect(out).toEqual({
      type: 'decision',
      ok: 'ghp\\u005f',
      args: { text: TOO_DEEP_MARKER, other: '[redacted:DB_PASSWORD]' },
    });
    expect(set.scrubJson(`${record}\n`).endsWith('}\n')).toBe(true);
  });
});

describe('redaction property', () => {
  it('redacts random secrets under random JSON encodings in random positions', () => {
    const runs = Number(process.env['REDACTION_PROPERTY_RUNS'] ?? 1_000);
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 8, maxLength: 24 }),
        fc.array(fc.nat(), { minLength: 24, maxLength: 24 }),
        fc.constantFrom(...PLACES),
        fc.string({ maxLength: 10 }),
        (secret, choices, place, noise) => {
          const one = secretSetFrom(new Map([[secret, 'RANDOM_SECRET']]));
          const encoded = Array.from(secret)
            .map((p, k) => {
              const options = spellings(p);
              return options[(choices[k] ?? 0) % options.length]!;
            })
            .join('');
          const frame = place(`${canonical(noise)}${encoded}${canonical(noise)}`);
          expect(parsedStrings(frame).some((s) => s.includes(secret))).toBe(true);
          expect(one.containsBytes(Buffer.from(frame))).toBe(true);
          const strings = parsedStrings(one.scrub(frame));
          expect(strings.some((s) => s.includes(secret))).toBe(false);
        },
      ),
      { numRuns: runs },
    );
  });
});
