import { readFile } from 'node:fs/promises';
import type { PolicySource } from '../config/config.js';

/** The built-in protections of the default policy that a replacement `--policy` drops. */
const BUILT_IN_PROTECTIONS = [
  'path confinement to `--root` (input.paths, input.roots)',
  'the roots/list answer check',
  'the sampling denial',
  'the elicitation secret-field check',
  'validation of `--data` against the default schema',
];

/**
 * What a start-up must say when `--policy` replaces the default policy: nothing of the
 * default is enforced unless the new policy implements it, and that must not pass in silence.
 * Empty for the default policy, with or without `--rules`.
 */
export async function replacementWarnings(
  source: PolicySource,
  roots: readonly string[],
): Promise<string[]> {
  if (source.kind === 'embedded' || source.kind === 'rules') return [];
  if (source.kind === 'bundle' && (await builtWithDefaults(source.path))) return [];
  const warnings = [
    `\`--policy ${source.path}\` replaces the default policy: its built-in protections are off unless this policy implements them: ${BUILT_IN_PROTECTIONS.join('; ')}. To keep them and add your own denials, use \`--rules file.rego\` instead.`,
  ];
  if (roots.length === 0) return warnings;
  if (source.kind !== 'rego') {
    warnings.push(
      `\`--root\` is enforced only if \`--policy ${source.path}\` denies paths outside input.roots; a compiled policy cannot be checked for that here. Test it: \`mcp-opa-shim eval --policy ${source.path} --input <a path outside the root>\`.`,
    );
    return warnings;
  }
  const rego = await readFile(source.path, 'utf8').catch(() => '');
  if (!/\binput\.(paths|roots)\b/.test(rego))
    warnings.push(
      `\`--root\` is NOT enforced: \`--policy ${source.path}\` never reads input.paths or input.roots, so a path outside ${roots.map((r) => `\`${r}\``).join(', ')} is allowed whenever the policy allows the call. Deny such paths in the policy, or use \`--rules\` with the default policy.`,
    );
  return warnings;
}

/**
 * A bundle from `mcp-opa-shim build` holds the default policy with the user's rules compiled in
 * (its manifest says so): nothing of the default is replaced. Any doubt gives the warning.
 */
async function builtWithDefaults(path: string): Promise<boolean> {
  try {
    const [{ readTarGz }, { MANIFEST_KEY }] = await Promise.all([
      import('./read-tar.js'),
      import('./read-bundle.js'),
    ]);
    const manifest = readTarGz(await readFile(path)).get('/.manifest');
    if (manifest === undefined) return false;
    const parsed = JSON.parse(manifest.toString('utf8')) as {
      metadata?: Record<string, { default_policy?: unknown } | undefined>;
    };
    return parsed.metadata?.[MANIFEST_KEY]?.default_policy === true;
  } catch {
    return false;
  }
}
