import { SHIM_ENV_PREFIX } from '../config/option-specs.js';
import { replaceSpans, SecretFinder, TooDeeplyEscapedError } from './find-secrets.js';

/**
 * Secret values the shim must never show: not in the policy input, not in a log or audit
 * line, not in a message written to the client. Every method matches the value however JSON
 * escapes spell it (`\u0067hp_…`, `\/`, upper-case hex, surrogate pairs, JSON text inside a
 * JSON string, up to MAX_ESCAPE_LEVELS levels): what a reader's JSON.parse would yield counts.
 */
export interface SecretSet {
  readonly size: number;
  /** Names of the variables the secrets came from (never the values). */
  readonly names: readonly string[];
  /** True when any secret value occurs in `text`, raw or spelled with escapes. Throws as `scrub`. */
  contains(text: string): boolean;
  /**
   * `contains` for a frame's bytes, valid UTF-8, without decoding a frame that cannot hide a
   * secret: only bytes with an escape that could spell one (`\u`, `\/`; any escape when a value
   * has a character JSON escapes) are decoded and searched. True also when a value has no UTF-8
   * spelling (a lone surrogate), which only the decoded text can show. Throws as `scrub`.
   */
  containsBytes(bytes: Buffer): boolean;
  /**
   * `text` with every occurrence replaced by `[redacted:NAME]`, including the escapes that spell
   * it. Throws TooDeeplyEscapedError when the text is escaped too deeply to clear: the caller
   * withholds it.
   *
   * A frame is changed in place, not re-serialised from its parsed value: re-serialising would
   * change number spelling (`1.0` becomes `1`, `1e2` becomes `100`, an integer id beyond 2^53
   * loses precision), drop all but the last of duplicate keys, and rewrite whitespace and the
   * server's other escapes. In place, the client's JSON.parse yields the same value as
   * re-serialising the decoded value with the secret replaced (keys included), since a marker
   * is plain ASCII and every occurrence lies within one string.
   */
  scrub(text: string): string;
  /**
   * For JSON the shim writes itself (audit records, log lines): like `scrub`, but never throws;
   * a string escaped too deeply to clear is replaced whole by `[redacted:too-deeply-escaped]`.
   */
  scrubJson(text: string): string;
}

/**
 * Values shorter than this are not treated as secrets when they were only inferred (from a
 * variable's name or an env file): `true`, `3000`, `ubuntu` would otherwise be cut out of
 * every message. Real credentials are longer.
 */
export const MIN_INFERRED_SECRET_LENGTH = 8;
/** An explicit `--secret-env NAME` is honoured down to this length. */
export const MIN_EXPLICIT_SECRET_LENGTH = 4;

export interface CollectSecretsOptions {
  /** The environment the shim received. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every value loaded from `--env-file` is a secret. */
  readonly envFileValues: Readonly<Record<string, string>>;
  /** `--secret-env NAME`. */
  readonly secretEnv: readonly string[];
  /** Case-insensitive substrings of variable names (TOKEN, SECRET, KEY, PASSWORD…). */
  readonly namePatterns: readonly string[];
}

export function collectSecrets(opts: CollectSecretsOptions): SecretSet {
  const byValue = new Map<string, string>();
  const explicit = new Set(opts.secretEnv);
  const patterns = opts.namePatterns.filter((p) => p !== '').map((p) => p.toUpperCase());
  const add = (name: string, value: string | undefined, minLength: number): void => {
    if (value === undefined || value.length < minLength || byValue.has(value)) return;
    byValue.set(value, name);
  };
  // Explicit names first, so their marker wins when a value is shared.
  for (const name of explicit) {
    add(name, opts.env[name], MIN_EXPLICIT_SECRET_LENGTH);
    add(name, opts.envFileValues[name], MIN_EXPLICIT_SECRET_LENGTH);
  }
  for (const [name, value] of Object.entries(opts.envFileValues)) {
    add(name, value, MIN_INFERRED_SECRET_LENGTH);
  }
  for (const [name, value] of Object.entries(opts.env)) {
    const upper = name.toUpperCase();
    // The shim's own settings (MCP_OPA_SHIM_SECRET_ENV=API_TOKEN…) name secrets; they are not ones.
    if (upper.startsWith(SHIM_ENV_PREFIX)) continue;
    if (patterns.some((p) => upper.includes(p))) add(name, value, MIN_INFERRED_SECRET_LENGTH);
  }
  return secretSetFrom(byValue);
}

/** Builds a set from value → variable name. Exported for callers that already hold values. */
export function secretSetFrom(byValue: ReadonlyMap<string, string>): SecretSet {
  const secrets = [...byValue].map(([value, name]) => ({
    value,
    marker: `[redacted:${name.replace(/[^A-Za-z0-9_.-]/g, '_')}]`,
  }));
  const names = Object.freeze([...new Set(byValue.values())].sort());
  const finder = new SecretFinder(secrets);
  const valueBytes = secrets.map(({ value }) => Buffer.from(value, 'utf8'));
  // A value with a lone surrogate has no UTF-8 spelling: only the decoded text can be searched.
  const scrub = (text: string): string => replaceSpans(text, finder.spans(text, 0, false));
  const bytesUnsure = valueBytes.some((bytes, k) => bytes.toString('utf8') !== secrets[k]?.value);

  return Object.freeze({
    size: secrets.length,
    names,
    contains: (text: string): boolean => finder.spans(text, 0, true).length > 0,
    containsBytes(bytes: Buffer): boolean {
      if (bytesUnsure) return true;
      for (const value of valueBytes) if (bytes.includes(value)) return true;
      return finder.bytesMayHide(bytes) && finder.spans(bytes.toString('utf8'), 0, true).length > 0;
    },
    scrub,
    scrubJson: (text: string): string => scrubJson(text, scrub),
  });
}

export const TOO_DEEP_MARKER = '[redacted:too-deeply-escaped]';

function scrubJson(text: string, scrub: (text: string) => string): string {
  try {
    return scrub(text);
  } catch (error) {
    if (!(error instanceof TooDeeplyEscapedError)) throw error;
  }
  // Cleared string by string, so only the too-deep ones are lost (keys included).
  const scrubString = (s: string): string => {
    try {
      return scrub(s);
    } catch {
      return TOO_DEEP_MARKER;
    }
  };
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrubString(value);
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    // fromEntries defines own properties: a `__proto__` key stays data, not a prototype.
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [scrubString(key), walk(item)]),
    );
  };
  const newline = text.endsWith('\n') ? '\n' : '';
  try {
    return JSON.stringify(walk(JSON.parse(text))) + newline;
  } catch {
    return JSON.stringify(TOO_DEEP_MARKER) + newline;
  }
}

/** A set with no secrets: `scrub` returns its argument untouched. */
export const NO_SECRETS: SecretSet = secretSetFrom(new Map());
