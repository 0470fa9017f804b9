import { describe, expect, it } from 'vitest';
import { foldElicitation } from '../../src/input/elicitation-texts.js';

describe('foldElicitation', () => {
  it('folds the message and every string of the requested schema', () => {
    const folded = foldElicitation(
      {
        message: 'Please enter your pаssword',
        requestedSchema: {
          type: 'object',
          title: 'Sign-in',
          properties: {
            ＰＩＮ: { type: 'string', description: 'Four digits', default: '0000' },
            method: {
              type: 'string',
              oneOf: [
                { const: 'sms', title: 'One-time code by SMS' },
                { const: 'app', title: 'Authenticator app' },
              ],
            },
            factors: {
              type: 'array',
              items: { type: 'string', enum: ['seed'], enumNames: ['Seed phrase'] },
            },
          },
        },
      },
      'form',
    );
    expect(folded.folded_message).toBe('please enter your password');
    expect(folded.folded_texts).toEqual([
      'object',
      'sign_in',
      'pin',
      'string',
      'four digits',
      '0000',
      'method',
      'sms',
      'one_time code by sms',
      'app',
      'authenticator app',
      'factors',
      'array',
      'seed',
      'seed phrase',
    ]);
    expect(folded.folded_truncated).toBe(false);
  });

  it('gives a URL-mode request only its message', () => {
    expect(foldElicitation({ message: 'Sign in at GitHub', url: 'https://x' }, 'url')).toEqual({
      folded_message: 'sign in at git_hub',
      folded_truncated: false,
    });
  });

  it('gives an empty message and no texts for a request without them', () => {
    expect(foldElicitation(undefined, 'form')).toEqual({
      folded_message: '',
      folded_texts: [],
      folded_truncated: false,
    });
  });

  it('says so when the message is cut', () => {
    const folded = foldElicitation({ message: `${'word '.repeat(1000)}password` }, 'form');
    expect(folded.folded_message).toHaveLength(4096);
    expect(folded.folded_truncated).toBe(true);
  });

  it('says so when a raw text is too long to fold whole, even if it folds short', () => {
    const folded = foldElicitation({ message: `${'\u200b'.repeat(20_000)}password` }, 'form');
    expect(folded.folded_truncated).toBe(true);
  });

  it('says so when the schema has more distinct texts than are passed', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`field${String(i)}`, {}]),
    );
    const folded = foldElicitation({ requestedSchema: { properties } }, 'form');
    expect(folded.folded_texts).toHaveLength(256);
    expect(folded.folded_truncated).toBe(true);
  });

  it('says so when the texts together are longer than are passed', () => {
    const properties = Object.fromEntries(
      Array.from({ length: 10 }, (_, i) => [
        `field${String(i)}`,
        { description: `${'x'.repeat(4000)} ${String(i)}` },
      ]),
    );
    const folded = foldElicitation({ message: 'm', requestedSchema: { properties } }, 'form');
    const total = (folded.folded_texts ?? []).reduce((sum, text) => sum + text.length, 1);
    expect(total).toBeLessThanOrEqual(16 * 1024);
    expect(folded.folded_truncated).toBe(true);
  });

  it('says so when the schema is nested deeper than is walked', () => {
    let schema: Record<string, unknown> = { title: 'password' };
    for (let i = 0; i < 20; i += 1) schema = { items: schema };
    const folded = foldElicitation({ requestedSchema: schema }, 'form');
    expect(folded.folded_texts).toEqual([]);
    expect(folded.folded_truncated).toBe(true);
  });

  it('is not cut for an ordinary form', () => {
    const folded = foldElicitation(
      {
        message: 'Your favourite colour',
        requestedSchema: { type: 'object', properties: { spinner_speed: { type: 'number' } } },
      },
      'form',
    );
    expect(folded).toEqual({
      folded_message: 'your favourite colour',
      folded_texts: ['object', 'spinner_speed', 'number'],
      folded_truncated: false,
    });
  });
});
