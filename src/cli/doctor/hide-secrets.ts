import { DEFAULT_SECRET_NAME_PATTERNS } from '../../config/config.js';
import type { Env } from '../../config/read-env-options.js';
import { collectSecrets, TOO_DEEP_MARKER, type SecretSet } from '../../secrets/secret-set.js';
import type { DoctorCheck } from './doctor-check.js';

/**
 * The secrets the shim would hide for this environment. Before the options are valid, only the
 * default name patterns are known.
 */
export function doctorSecrets(
  env: Env,
  settings: {
    envFileValues?: Readonly<Record<string, string>>;
    secretEnv?: readonly string[];
    secretNamePatterns?: readonly string[];
  } = {},
): SecretSet {
  return collectSecrets({
    env,
    envFileValues: settings.envFileValues ?? {},
    secretEnv: settings.secretEnv ?? [],
    namePatterns: settings.secretNamePatterns ?? DEFAULT_SECRET_NAME_PATTERNS,
  });
}

/** Doctor's output is pasted into issues: a credential passed as an argument must not be in it. */
export function hideSecrets(text: string, secrets: SecretSet): string {
  if (secrets.size === 0) return text;
  try {
    return secrets.scrub(text);
  } catch {
    return TOO_DEEP_MARKER;
  }
}

export function hideSecretsInChecks(
  checks: readonly DoctorCheck[],
  secrets: SecretSet,
): DoctorCheck[] {
  return checks.map((c) => ({
    ...c,
    summary: hideSecrets(c.summary, secrets),
    ...(c.fix === undefined ? {} : { fix: hideSecrets(c.fix, secrets) }),
  }));
}
