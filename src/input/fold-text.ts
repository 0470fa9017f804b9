import { CONFUSABLE_LATIN } from './confusable-latin.js';

/**
 * Folds text a server shows the user into the form the policy's secret heuristics match:
 * lowercase ASCII where the text looks like ASCII, words separated by `" "`, the parts of a
 * word (`userPin`, `api_key`, `pass-word`, `p.i.n`) by `"_"`. Only non-ASCII is folded, so an
 * ASCII pattern matches the folded text as written.
 *
 * 1. Default-ignorable code points (zero-width spaces and joiners, soft hyphens, bidi
 *    controls, variation selectors) are removed: they are invisible, so `pass\u200Bword`
 *    reads as `password`.
 * 2. NFKC: fullwidth, mathematical alphanumerics, circled and compatibility forms become
 *    their plain letters (`ｐａｓｓ`, `𝐩𝐚𝐬𝐬` → `pass`).
 * 3. NFD and combining marks removed: `pâsswörd` → `password`.
 * 4. Confusables (Unicode UTS #39 data, confusable-latin.ts): `pаssword` with Cyrillic а,
 *    Greek ο, Cherokee letters… become the ASCII letters they look like.
 * 5. Word parts: a lowercase-to-uppercase step (`userPin`), an acronym's end (`PINCode`) and
 *    a letter-to-digit step (`user2fa`) split parts, as do `_ - . ' ’ ·` between letters.
 * 6. Lowercase (`ß` → `ss`); every other run of non-letters and non-digits is one space.
 */
export function foldText(raw: string): string {
  const plain = raw.replace(IGNORABLE, '').normalize('NFKC').normalize('NFD').replace(MARKS, '');
  let mapped = '';
  for (const char of plain) mapped += confusables().get(char.codePointAt(0) ?? 0) ?? char;
  return mapped
    .replace(CAMEL, '$1_$2')
    .replace(ACRONYM_END, '$1_$2')
    .replace(LETTER_DIGIT, '$1_$2')
    .toLowerCase()
    .replace(/\u00df/gu, 'ss')
    .replace(SOFT_SEPARATOR, '$1_')
    .replace(HARD_SEPARATOR, ' ')
    .replace(/ ?_[ _]*/gu, (run) => (run.includes(' ') ? ' ' : '_'))
    .trim()
    .replace(/^_+|_+$/gu, '');
}

const IGNORABLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}]/gu;
const MARKS = /\p{M}/gu;
const CAMEL = /(\p{Ll})(\p{Lu})/gu;
const ACRONYM_END = /(\p{Lu})(\p{Lu}\p{Ll})/gu;
const LETTER_DIGIT = /(\p{L})(\p{N})/gu;
/** Punctuation inside a word: a part boundary, not a word boundary. */
const SOFT_SEPARATOR = /([\p{L}\p{N}])[_\-.'\u2019\u00b7]+(?=[\p{L}\p{N}])/gu;
const HARD_SEPARATOR = /[^\p{L}\p{N}_]+/gu;

let table: Map<number, string> | undefined;

/** Parsed on first use: most sessions never see an elicitation. */
function confusables(): Map<number, string> {
  if (table !== undefined) return table;
  table = new Map();
  for (const pair of CONFUSABLE_LATIN.split(',')) {
    const colon = pair.indexOf(':');
    table.set(parseInt(pair.slice(0, colon), 36), pair.slice(colon + 1));
  }
  return table;
}
