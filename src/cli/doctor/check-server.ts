import { buildChildEnv } from '../../child/build-child-env.js';
import type { ShimConfig } from '../../config/config.js';
import { optionContext } from '../../config/option-context.js';
import { RUN_OPTIONS } from '../../config/option-specs.js';
import { absolutePath, single } from '../../config/options/value-checks.js';
import { withEnvOptions, type Env } from '../../config/read-env-options.js';
import { readOptionTokens } from '../../config/read-option-tokens.js';
import { findOpa, opaMissingText } from '../../policy/find-opa.js';
import { loadEngine } from '../../policy/load-engine.js';
import { replacementWarnings } from '../../policy/replacement-warnings.js';
import { parseCommandLine } from '../parse-command-line.js';
import { UsageError } from '../../config/usage-error.js';
import { checkAuditLog } from './check-audit-log.js';
import { checkLogFile } from './check-log-file.js';
import { check, messageOf, type DoctorCheck } from './doctor-check.js';
import { checkServerCommand } from './find-server-command.js';
import { handshakeThroughShim } from './handshake-through-shim.js';
import { doctorSecrets, hideSecretsInChecks } from './hide-secrets.js';
import type { SecretSet } from '../../secrets/secret-set.js';

/** One wrapped server: the shim's options and the server command, as a client would run them. */
export interface ServerTarget {
  readonly shimOptions: readonly string[];
  readonly commandLine: readonly string[];
  readonly separated: boolean;
  /** The environment the shim would receive (the client's `env` block included). */
  readonly env: Env;
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly shimEntry: string;
}

const BLOCKED = 'not run: fix the failures above first.';

/**
 * Every check for one server, in order; later ones are skipped when what they need failed.
 * Secret values (as the shim would find them) are hidden in what is reported.
 */
export async function checkServer(target: ServerTarget): Promise<DoctorCheck[]> {
  const { checks, secrets } = await runChecks(target);
  return hideSecretsInChecks(checks, secrets);
}

async function runChecks(
  target: ServerTarget,
): Promise<{ checks: DoctorCheck[]; secrets: SecretSet }> {
  const argv = target.separated
    ? [...target.shimOptions, '--', ...target.commandLine]
    : [...target.shimOptions, ...target.commandLine];
  const parsed = parseOptions(argv, target);
  const config = parsed.config;
  if (config === undefined) {
    const checks = [
      parsed.check,
      check('opa', 'skip', BLOCKED),
      check('policy', 'skip', BLOCKED),
      // Still checked: its path is read even when another option is invalid.
      checkAuditLog(rawAuditLogPath(argv, target)),
      check('command', 'skip', BLOCKED),
      check('initialize', 'skip', BLOCKED),
    ];
    return { checks, secrets: doctorSecrets(target.env) };
  }
  const secrets = doctorSecrets(target.env, {
    envFileValues: parsed.envFileValues ?? {},
    secretEnv: config.secretEnv,
    secretNamePatterns: config.secretNamePatterns,
  });
  const opa = checkOpa(config, target.env);
  const checks: DoctorCheck[] = [
    parsed.check,
    opa,
    opa.status === 'fail'
      ? check('policy', 'skip', 'not loaded: it needs `opa`.')
      : await checkPolicy(config),
    checkAuditLog(config.auditLog),
    // Listed only when given: without it the shim logs to stderr, which needs no check.
    ...(config.logFile === undefined ? [] : [checkLogFile(config.logFile)]),
  ];
  const childEnv = buildChildEnv({
    received: target.env,
    envFileValues: parsed.envFileValues ?? {},
    allow: config.envAllow,
  });
  checks.push(
    checkServerCommand(config.command, childEnv.PATH ?? target.env.PATH, target.cwd, target.env),
  );
  if (checks.some((c) => c.status === 'fail')) {
    checks.push(check('initialize', 'skip', BLOCKED));
    return { checks, secrets };
  }
  checks.push(...(await handshakeThroughShim({ ...target, pinsFile: config.pinsFile })));
  return { checks, secrets };
}

interface ParsedOptions {
  readonly check: DoctorCheck;
  readonly config?: ShimConfig;
  readonly envFileValues?: Readonly<Record<string, string>>;
}

/** The shim's own parser and validators, exactly as a start would run them. */
function parseOptions(argv: readonly string[], target: ServerTarget): ParsedOptions {
  let parsed;
  try {
    parsed = parseCommandLine(argv, target.env, { cwd: target.cwd });
  } catch (thrown) {
    if (!(thrown instanceof UsageError)) throw thrown;
    return {
      // The shim's usage errors name the option, the value and the fix.
      check: check('options', 'fail', thrown.message),
    };
  }
  if (parsed.kind !== 'run')
    return {
      check: check(
        'options',
        'fail',
        `These options ask the shim for \`--${parsed.kind}\`; it would not start a server.`,
        { fix: 'Remove it.' },
      ),
    };
  const config = parsed.config;
  const summary = `valid: policy ${policyText(config)}, principal \`${config.principal.id}\`, server id \`${config.serverId}\`, mode ${config.mode}.`;
  const result = { config, envFileValues: parsed.envFileValues };
  const details = {
    policy: config.policy.kind,
    principal: config.principal.id,
    serverId: config.serverId,
    mode: config.mode,
  };
  if (parsed.warnings.length > 0)
    return {
      ...result,
      check: check('options', 'warn', `${summary}\n${parsed.warnings.join('\n')}`, { details }),
    };
  return { ...result, check: check('options', 'ok', summary, { details }) };
}

function policyText(config: ShimConfig): string {
  const source = config.policy;
  const data = config.dataFiles.length === 0 ? '' : ` with ${config.dataFiles.length} data file(s)`;
  if (source.kind === 'embedded') return `embedded${data}`;
  if (source.kind === 'rules') return `embedded + ${source.paths.length} --rules file(s)${data}`;
  return `\`${source.path}\`${data}`;
}

/** `--audit-log` as written, for the directory check even when another option is invalid. */
function rawAuditLogPath(argv: readonly string[], target: ServerTarget): string | undefined {
  try {
    const tokens = readOptionTokens(argv, RUN_OPTIONS, {
      positionals: 'command',
      usage: 'mcp-opa-shim',
    });
    const raw = single(withEnvOptions(tokens.options, target.env, RUN_OPTIONS), 'audit-log');
    return raw === undefined
      ? undefined
      : absolutePath(raw, optionContext(target.env, { cwd: target.cwd }), 'a file path');
  } catch {
    return undefined;
  }
}

function checkOpa(config: ShimConfig, env: Env): DoctorCheck {
  const source = config.policy;
  if (source.kind !== 'rego' && source.kind !== 'rules')
    return check('opa', 'skip', 'not needed: the policy is not Rego.');
  const what = source.kind === 'rego' ? `\`--policy ${source.path}\`` : '`--rules`';
  const opa = findOpa(env);
  if (opa === undefined)
    return check('opa', 'fail', opaMissingText(`${what} is Rego, which`, env), {
      fix: 'Or pass a compiled policy (a .wasm file or a bundle from `mcp-opa-shim build`).',
    });
  return check('opa', 'ok', `\`${opa}\` compiles ${what}.`, { details: { path: opa } });
}

/** Loads policy and data as a start does: schema validation of the data, the start-up probe. */
async function checkPolicy(config: ShimConfig): Promise<DoctorCheck> {
  let engine;
  try {
    engine = await loadEngine({ ...config, watch: false });
  } catch (thrown) {
    return check('policy', 'fail', messageOf(thrown));
  }
  const revision = engine.revision;
  engine.close();
  const data = config.dataFiles.length === 0 ? '' : `, ${dataText(config)}`;
  const summary = `${revision.source === 'embedded' ? 'the embedded policy' : `\`${revision.source}\``} (sha256 ${revision.sha256.slice(0, 12)}) loads${data}, and answers the start-up probe with a decision.`;
  const warnings = await replacementWarnings(config.policy, config.roots);
  const details = { source: revision.source, sha256: revision.sha256 };
  if (warnings.length > 0)
    return check('policy', 'warn', `${summary}\n${warnings.join('\n')}`, { details });
  return check('policy', 'ok', summary, { details });
}

function dataText(config: ShimConfig): string {
  const count = `${config.dataFiles.length} data file(s)`;
  switch (config.policy.kind) {
    case 'embedded':
    case 'rules':
      return `${count} valid against the data schema`;
    case 'bundle':
      return `${count} loaded (checked against the bundle's /data.schema.json when it has one)`;
    default:
      return `${count} loaded (this policy has no data schema to check them against)`;
  }
}
