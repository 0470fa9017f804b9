import { describe, expect, it } from 'vitest';
import { foldText } from '../../src/input/fold-text.js';

describe('foldText', () => {
  it.each([
    ['Cyrillic lookalikes', 'p\u0430ssword', 'password'],
    ['Greek lookalikes, an uppercase iota read as I', '\u03a1\u0399\u039d', 'pin'],
    ['Latin small capitals, which confusables.txt leaves out', '\u1d18\u026a\u0274', 'pin'],
    ['fullwidth forms', '\uff30\uff21\uff33\uff33\uff37\uff2f\uff32\uff24', 'password'],
    ['mathematical bold letters', '\u{1d429}\u{1d41a}\u{1d42c}\u{1d42c}', 'pass'],
    ['a zero-width space', 'pass\u200bword', 'password'],
    ['a soft hyphen and a zero-width joiner', 'pass\u00adw\u200dord', 'password'],
    ['combining marks', 'pa\u0301ss\u0308word', 'password'],
    ['precomposed accents', 'p\u00e2ssw\u00f6rd', 'password'],
    ['mixed case', 'PaSsWoRd', 'pa_ss_wo_rd'],
    ['sharp s', 'Stra\u00dfe', 'strasse'],
  ])('folds %s', (_what, raw, folded) => {
    expect(foldText(raw)).toBe(folded);
  });

  it.each([
    ['camelCase', 'userPin', 'user_pin'],
    ['an acronym before a word', 'PINCode', 'pin_code'],
    ['a letter before a digit', 'user2fa', 'user_2fa'],
    ['underscores, hyphens and dots', 'one-time_code.v', 'one_time_code_v'],
    ['letters spelled with dots', 'p.i.n', 'p_i_n'],
  ])('marks word parts with _ : %s', (_what, raw, folded) => {
    expect(foldText(raw)).toBe(folded);
  });

  it('separates words by single spaces, whatever the punctuation and whitespace', () => {
    expect(foldText('  Please,\tenter\u00a0your   PIN!  ')).toBe('please enter your pin');
    expect(foldText('_private_ key__')).toBe('private key');
  });

  it('keeps ASCII letters and digits as they are, so ASCII patterns need no folding', () => {
    expect(foldText('spinner_speed 2fa cvv')).toBe('spinner_speed 2fa cvv');
  });

  it('keeps letters of other scripts that look like no ASCII letter', () => {
    // п, л and ь stay Cyrillic; а, р and о look like a, p and o.
    expect(foldText('\u043f\u0430\u0440\u043e\u043b\u044c')).toBe('\u043fapo\u043b\u044c');
  });
});
