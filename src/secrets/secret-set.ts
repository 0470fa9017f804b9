import { secretForms } from './secret-forms.js';

/**
 * Secret values the shim must never show: not in the policy input, not in a log or audit
 * line, not in a message written to the client.
 */
export interface SecretSet {
  readonly size: number;
  /** Names of the variables the secrets came from (never the values). */
  readonly names: readonly string[];
  /** True when any secret value (raw or JSON-escaped) occurs in `text`. */
  contains(text: string): boolean;
  /**
   * True when any secret value may occur in `bytes`, valid UTF-8 (false means `contains` is false
   * for their decoding). Lets a frame be checked without decoding it.
   */
  containsBytes(bytes: Buffer): boolean;
  /** `text` with every occurrence replaced by `[redacted:NAME]`. */
  scrub(text: string): string;
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
    if (upper.startsWith('MCP_OPA_SHIM_')) continue;
    if (patterns.some((p) => upper.includes(p))) add(name, value, MIN_INFERRED_SECRET_LENGTH);
  }
  return secretSetFrom(byValue);
}

/** Builds a set from value → variable name. Exported for callers that already hold values. */
export function secretSetFrom(byValue: ReadonlyMap<string, string>): SecretSet {
  const replacements: { form: string; marker: string }[] = [];
  for (const [value, name] of byValue) {
    const marker = `[redacted:${name.replace(/[^A-Za-z0-9_.-]/g, '_')}]`;
    for (const form of secretForms(value)) replacements.push({ form, marker });
  }
  // Longest first: a secret that contains another is replaced whole.
  replacements.sort((a, b) => b.form.length - a.form.length);
  const names = Object.freeze([...new Set(byValue.values())].sort());
  const forms = replacements.map((r) => r.form);
  const formBytes = forms.map((form) => Buffer.from(form, 'utf8'));
  // A form with a lone surrogate has no UTF-8 spelling: only the decoded text can be searched.
  const bytesUnsure = formBytes.some((bytes, k) => bytes.toString('utf8') !== forms[k]);

  return Object.freeze({
    size: byValue.size,
    names,
    contains(text: string): boolean {
      for (const form of forms) if (text.includes(form)) return true;
      return false;
    },
    containsBytes(bytes: Buffer): boolean {
      if (bytesUnsure) return true;
      for (const form of formBytes) if (bytes.includes(form)) return true;
      return false;
    },
    scrub(text: string): string {
      let out = text;
      for (const { form, marker } of replacements) {
        if (out.includes(form)) out = out.split(form).join(marker);
      }
      return out;
    },
  });
}

/** A set with no secrets: `scrub` returns its argument untouched. */
export const NO_SECRETS: SecretSet = secretSetFrom(new Map());
