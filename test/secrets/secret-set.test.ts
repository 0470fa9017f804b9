import { describe, expect, it } from 'vitest';
import {
  collectSecrets,
  MIN_EXPLICIT_SECRET_LENGTH,
  MIN_INFERRED_SECRET_LENGTH,
} from '../../src/secrets/secret-set.js';

const patterns = ['TOKEN', 'SECRET', 'KEY', 'PASSWORD'];

function collect(
  env: Record<string, string | undefined>,
  extra: Partial<Parameters<typeof collectSecrets>[0]> = {},
) {
  return collectSecrets({
    env,
    envFileValues: {},
    secretEnv: [],
    namePatterns: patterns,
    ...extra,
  });
}

describe('collectSecrets', () => {
  it('treats a variable whose name contains a pattern as a secret, case-insensitively', () => {
    const set = collect({ github_token: 'ghp_abcdefghijklmnop', HOME: '/home/alice' });
    expect(set.size).toBe(1);
    expect(set.names).toEqual(['github_token']);
    expect(set.contains('token is ghp_abcdefghijklmnop')).toBe(true);
  });

  it("does not treat the shim's own settings as secrets, though their names say SECRET", () => {
    const set = collect({
      MCP_OPA_SHIM_SECRET_ENV: 'DATABASE_URL,API_TOKEN',
      API_TOKEN: 'tok-1234567890',
    });
    expect(set.names).toEqual(['API_TOKEN']);
    expect(set.contains('DATABASE_URL,API_TOKEN')).toBe(false);
  });

  it('does not treat an ordinary variable as a secret', () => {
    const set = collect({ HOME: '/home/alice/projects', EDITOR: 'vim-huge-edition' });
    expect(set.size).toBe(0);
    expect(set.contains('/home/alice/projects')).toBe(false);
  });

  it('treats every env-file value as a secret, whatever its name', () => {
    const set = collect({}, { envFileValues: { DATABASE_URL: 'postgres://u:p@db/prod' } });
    expect(set.names).toEqual(['DATABASE_URL']);
    expect(set.scrub('url=postgres://u:p@db/prod')).toBe('url=[redacted:DATABASE_URL]');
  });

  it('treats a --secret-env variable as a secret even below the inferred minimum length', () => {
    const value = 'x'.repeat(MIN_EXPLICIT_SECRET_LENGTH);
    const set = collect({ PIN_CODE: value }, { secretEnv: ['PIN_CODE'] });
    expect(set.names).toEqual(['PIN_CODE']);
    expect(set.scrub(`pin ${value}`)).toBe('pin [redacted:PIN_CODE]');
  });

  it('ignores inferred values shorter than the minimum, so common words survive', () => {
    const short = 'u'.repeat(MIN_INFERRED_SECRET_LENGTH - 1);
    const set = collect({ KEYBOARD: short }, { envFileValues: { PORT: '3000', DEBUG: 'true' } });
    expect(set.size).toBe(0);
    expect(set.scrub(`{"layout":"${short}","port":3000}`)).toBe(
      `{"layout":"${short}","port":3000}`,
    );
  });

  it('ignores undefined and empty values', () => {
    expect(collect({ API_KEY: undefined, OTHER_SECRET: '' }).size).toBe(0);
  });
});

describe('SecretSet.scrub', () => {
  it('replaces the raw form of a secret', () => {
    const set = collect({ API_KEY: 'sk-live-1234567890' });
    const out = set.scrub(
      '{"result":{"content":[{"type":"text","text":"API_KEY=sk-live-1234567890"}]}}',
    );
    expect(out).toBe(
      '{"result":{"content":[{"type":"text","text":"API_KEY=[redacted:API_KEY]"}]}}',
    );
    expect(set.contains(out)).toBe(false);
  });

  it('replaces the JSON-escaped form of a secret with quotes and backslashes', () => {
    const secret = 'pa"ss\\word\n42';
    const set = collect({ DB_PASSWORD: secret });
    const line = JSON.stringify({ text: `the password is ${secret}` });
    expect(line.includes(secret)).toBe(false);
    const out = set.scrub(line);
    expect(out).toBe('{"text":"the password is [redacted:DB_PASSWORD]"}');
    expect(JSON.parse(out)).toEqual({ text: 'the password is [redacted:DB_PASSWORD]' });
  });

  it('replaces a secret escaped twice, as in JSON carried as text inside a JSON message', () => {
    const secret = 'pa"ss\\word-42';
    const set = collect({ DB_PASSWORD: secret });
    const line = JSON.stringify({
      content: [{ type: 'text', text: JSON.stringify({ DB_PASSWORD: secret }) }],
    });
    const out = set.scrub(line);
    expect(JSON.parse(JSON.parse(out).content[0].text)).toEqual({
      DB_PASSWORD: '[redacted:DB_PASSWORD]',
    });
  });

  it('replaces the ASCII-escaped form that Python json.dumps writes for non-ASCII secrets', () => {
    const set = collect({ SECRET_PHRASE: 'größer-geheimnis' });
    const pythonStyle = '{"text": "gr\\u00f6\\u00dfer-geheimnis"}';
    expect(set.scrub(pythonStyle)).toBe('{"text": "[redacted:SECRET_PHRASE]"}');
  });

  it('replaces a slash-escaped secret', () => {
    const set = collect({ SIGNING_KEY: 'abc/def/ghi/jkl' });
    expect(set.scrub('{"k":"abc\\/def\\/ghi\\/jkl"}')).toBe('{"k":"[redacted:SIGNING_KEY]"}');
  });

  it('replaces every occurrence, and the longer secret first when one contains another', () => {
    const set = collect({ SHORT_TOKEN: 'abcdefgh', LONG_TOKEN: 'abcdefgh-ijklmnop' });
    const out = set.scrub('abcdefgh-ijklmnop and abcdefgh and abcdefgh-ijklmnop');
    expect(out).toBe('[redacted:LONG_TOKEN] and [redacted:SHORT_TOKEN] and [redacted:LONG_TOKEN]');
  });

  it('returns the same string when no secret occurs', () => {
    const set = collect({ API_KEY: 'sk-live-1234567890' });
    const text = '{"jsonrpc":"2.0","id":1,"result":{}}';
    expect(set.scrub(text)).toBe(text);
    expect(set.contains(text)).toBe(false);
  });

  it('never puts a secret value into a marker, even for odd variable names', () => {
    const set = collect({ 'WEIRD"KEY': 'value-of-weird-key' });
    const out = set.scrub('{"a":"value-of-weird-key"}');
    expect(out).toBe('{"a":"[redacted:WEIRD_KEY]"}');
    expect(JSON.parse(out)).toEqual({ a: '[redacted:WEIRD_KEY]' });
  });
});

describe('SecretSet.containsBytes', () => {
  it('finds every form of a secret in a frame’s bytes exactly when contains finds it in the text', () => {
    const set = collect({ API_KEY: 'sk-live-1234567890', SECRET_PHRASE: 'größer/geheim"nis' });
    const lines = [
      '{"text":"sk-live-1234567890"}',
      '{"text":"sk-live-123456789"}',
      JSON.stringify({ text: 'größer/geheim"nis' }),
      '{"text": "gr\\u00f6\\u00dfer\\/geheim\\"nis"}',
      JSON.stringify({ text: JSON.stringify({ p: 'größer/geheim"nis' }) }),
      '{"text":"größer/geheim nis"}',
      '{"jsonrpc":"2.0","method":"notifications/message"}',
    ];
    for (const line of lines) {
      expect(set.containsBytes(Buffer.from(line)), line).toBe(set.contains(line));
    }
    expect(lines.filter((line) => set.contains(line)).length).toBeGreaterThan(2);
  });

  it('is unsure (true) for any bytes when a secret has no UTF-8 spelling', () => {
    const set = collect({ API_TOKEN: 'abc\ud800defgh' });
    expect(set.containsBytes(Buffer.from('{"a":1}'))).toBe(true);
    expect(collect({}).containsBytes(Buffer.from('{"a":1}'))).toBe(false);
  });
});
