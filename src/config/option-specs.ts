import { DEFAULT_SECRET_NAME_PATTERNS } from './config.js';

/**
 * The table of command-line options. The parser, the env-var mapping and the help text all read
 * it, so an option cannot exist in one and be missing from another.
 */

export interface OptionSpec {
  /** Long name without the leading dashes. */
  readonly name: string;
  /** `value` takes an argument; `flag` is a boolean switch. */
  readonly kind: 'value' | 'flag';
  readonly repeatable: boolean;
  /** Placeholder shown in the help text, e.g. `<file>`. */
  readonly valueName?: string;
  readonly summary: string;
  /** Shown as "default: …" in the help text. */
  readonly defaultText?: string;
  /** Heading the option is listed under in the help text. */
  readonly group: string;
  /** False for `--help`/`--version`, which make no sense as settings. */
  readonly fromEnv: boolean;
}

/** The prefix of the shim's own settings; they configure the shim and never reach the server. */
export const SHIM_ENV_PREFIX = 'MCP_OPA_SHIM_';

/** `max-frame-bytes` → `MCP_OPA_SHIM_MAX_FRAME_BYTES`. */
export function envNameOf(spec: Pick<OptionSpec, 'name'>): string {
  return SHIM_ENV_PREFIX + spec.name.toUpperCase().replace(/-/g, '_');
}

export function isShimEnvName(name: string): boolean {
  return name.startsWith(SHIM_ENV_PREFIX);
}

export type SpecInput = Omit<OptionSpec, 'repeatable' | 'fromEnv' | 'kind'> &
  Partial<Pick<OptionSpec, 'repeatable' | 'fromEnv' | 'kind'>>;

/** An option with the usual defaults: takes a value, not repeatable, settable from env. */
export function defineOption(input: SpecInput): OptionSpec {
  return { kind: 'value', repeatable: false, fromEnv: true, ...input };
}

const POLICY = 'Policy';

/** `--config`: OPA's own configuration (src/config/options/fleet-options.ts validates it). */
export const FLEET_OPTIONS: readonly OptionSpec[] = [
  defineOption({
    name: 'config',
    valueName: '<file>',
    group: 'Fleet',
    summary:
      'OPA configuration (YAML/JSON): bundles over HTTP, signing keys, decision logs, status (docs/fleet.md)',
  }),
];

export const POLICY_FILE_OPTIONS: readonly OptionSpec[] = [
  defineOption({
    name: 'policy',
    valueName: '<file>',
    group: POLICY,
    summary: '.wasm, OPA bundle .tar.gz/.tgz, or .rego (compiled by `opa` on PATH)',
    defaultText: 'the embedded policy built from policy.rego',
  }),
  defineOption({
    name: 'rules',
    valueName: '<file.rego>',
    group: POLICY,
    repeatable: true,
    summary: 'Rego in package mcp.user whose `denials` add to the default policy (needs `opa`)',
  }),
  defineOption({
    name: 'data',
    valueName: '<file>',
    group: POLICY,
    repeatable: true,
    summary: 'JSON or YAML (.json/.yaml/.yml) merged into the policy `data`',
  }),
  defineOption({
    name: 'entrypoint',
    valueName: '<path>',
    group: POLICY,
    summary: 'Policy rule to evaluate, slash-separated',
    defaultText: 'mcp/decision',
  }),
];

/** Shared by the shim and `audit roots|replay`. */
export const ROOT_OPTION: OptionSpec = defineOption({
  name: 'root',
  valueName: '<dir>',
  group: 'File roots',
  repeatable: true,
  summary: 'Directory the server may touch (must exist; symlinks resolved)',
});

export const RUN_OPTIONS: readonly OptionSpec[] = [
  ...POLICY_FILE_OPTIONS,
  ...FLEET_OPTIONS,
  defineOption({
    name: 'mode',
    valueName: '<enforce|monitor>',
    group: POLICY,
    summary: 'monitor evaluates and records but never blocks',
    defaultText: 'enforce',
  }),
  defineOption({
    name: 'no-watch',
    kind: 'flag',
    group: POLICY,
    summary: 'Do not reload --policy/--data when the files change',
  }),
  defineOption({
    name: 'principal',
    valueName: '<id>',
    group: 'Identity',
    summary: 'Who the agent acts for',
    defaultText: 'the OS user (then $USER, $LOGNAME)',
  }),
  defineOption({
    name: 'role',
    valueName: '<role>',
    group: 'Identity',
    repeatable: true,
    summary: 'A role of the principal',
  }),
  defineOption({
    name: 'attr',
    valueName: '<key=value>',
    group: 'Identity',
    repeatable: true,
    summary: 'A principal attribute',
  }),
  defineOption({
    name: 'server-id',
    valueName: '<name>',
    group: 'Identity',
    summary: 'Id of the wrapped server in the policy input',
    defaultText: 'derived from the command (npx/uvx/node/python -m aware)',
  }),
  defineOption({
    name: 'env-file',
    valueName: '<file>',
    group: 'Child environment',
    repeatable: true,
    summary: 'dotenv file added to the child environment; its values are secrets',
  }),
  defineOption({
    name: 'env-allow',
    valueName: '<NAME>',
    group: 'Child environment',
    repeatable: true,
    summary: 'Pass only these variables (plus --env-file ones) to the child',
    defaultText: 'pass everything except MCP_OPA_SHIM_*',
  }),
  defineOption({
    name: 'secret-env',
    valueName: '<NAME>',
    group: 'Child environment',
    repeatable: true,
    summary: 'Treat the value of this variable as a secret',
  }),
  defineOption({
    name: 'secret-pattern',
    valueName: '<text>',
    group: 'Child environment',
    repeatable: true,
    summary: 'Names containing this (any case) hold secrets; adds to the defaults',
    defaultText: DEFAULT_SECRET_NAME_PATTERNS.join(' '),
  }),
  ROOT_OPTION,
  defineOption({
    name: 'path-pointer',
    valueName: '<pointer>',
    group: 'File roots',
    repeatable: true,
    summary: 'JSON pointer (RFC 6901) to a path in tool arguments, e.g. /file',
  }),
  defineOption({
    name: 'path-base',
    valueName: '<dir>',
    group: 'File roots',
    repeatable: true,
    summary: 'Directory the server resolves relative paths against (e.g. behind sh -c)',
    defaultText: 'its working directory, when its command line shows it',
  }),
  defineOption({
    name: 'state-dir',
    valueName: '<dir>',
    group: POLICY,
    summary: 'Where persisted quota counters live (shared by the shims of one user)',
    defaultText: '$XDG_STATE_HOME/mcp-opa-shim or ~/.local/state/mcp-opa-shim',
  }),
  defineOption({
    name: 'log-level',
    valueName: '<level>',
    group: 'Logging and audit',
    summary: 'fatal, error, warn, info, debug, trace or silent',
    defaultText: 'info',
  }),
  defineOption({
    name: 'log-format',
    valueName: '<auto|pretty|json>',
    group: 'Logging and audit',
    summary: 'pretty (pino-pretty) or JSON lines; auto is pretty on a terminal',
    defaultText: 'auto',
  }),
  defineOption({
    name: 'log-file',
    valueName: '<file>',
    group: 'Logging and audit',
    summary: 'Write logs here instead of stderr',
  }),
  defineOption({
    name: 'audit-log',
    valueName: '<file>',
    group: 'Logging and audit',
    summary:
      'Append hash-chained decision records (JSON lines) here; missing directories are created (0700)',
  }),
  defineOption({
    name: 'audit-stderr',
    kind: 'flag',
    group: 'Logging and audit',
    summary: 'Also write decision records to stderr',
  }),
  defineOption({
    name: 'max-frame-bytes',
    valueName: '<size>',
    group: 'Limits',
    summary: 'Largest message, both directions; bytes, or K/KiB, M/MiB, G/GiB (max 512MiB)',
    defaultText: 'see the two below',
  }),
  defineOption({
    name: 'max-frame-bytes-to-server',
    valueName: '<size>',
    group: 'Limits',
    summary: 'Largest client message; overrides --max-frame-bytes',
    defaultText: '10176KiB (10MiB - 64KiB: what SDK servers can read)',
  }),
  defineOption({
    name: 'max-frame-bytes-to-client',
    valueName: '<size>',
    group: 'Limits',
    summary: 'Largest server message; overrides --max-frame-bytes',
    defaultText: '10176KiB (10MiB - 64KiB: what SDK clients can read)',
  }),
  defineOption({
    name: 'shutdown-grace-ms',
    valueName: '<ms>',
    group: 'Limits',
    summary: 'Wait between close stdin, SIGTERM, SIGKILL (0-600000)',
    defaultText: '2000',
  }),
  defineOption({
    name: 'approval-timeout',
    valueName: '<seconds>',
    group: 'Limits',
    summary: "How long a call waits for a human's approval before it is denied (1-86400)",
    defaultText: '120',
  }),
  defineOption({
    name: 'pins',
    valueName: '<file|off>',
    group: 'Tool pins',
    summary: "File of this server's tool pins (docs/pinning.md); off turns pinning off",
    defaultText: '$XDG_STATE_HOME/mcp-opa-shim/pins/<server-id>.json',
  }),
];

export const EVAL_OPTIONS: readonly OptionSpec[] = [
  defineOption({
    name: 'input',
    valueName: '<file|->',
    group: 'Eval',
    summary: 'Policy input as JSON; - reads stdin',
    fromEnv: false,
  }),
  defineOption({
    name: 'exit-zero',
    kind: 'flag',
    group: 'Eval',
    summary: 'Exit 0 on a deny too (by default a deny exits 1)',
    fromEnv: false,
  }),
  defineOption({
    name: 'from-audit',
    valueName: '<log.jsonl>',
    group: 'Eval',
    summary: 'Take the input from a decision record of an audit log (with --seq)',
    fromEnv: false,
  }),
  defineOption({
    name: 'seq',
    valueName: '<n>',
    group: 'Eval',
    summary: 'The `seq` of the record to take from --from-audit',
    fromEnv: false,
  }),
  ...POLICY_FILE_OPTIONS,
];

export const HELP_OPTION: OptionSpec = defineOption({
  name: 'help',
  kind: 'flag',
  group: 'General',
  summary: 'Print this help (also -h)',
  fromEnv: false,
});

export const VERSION_OPTION: OptionSpec = defineOption({
  name: 'version',
  kind: 'flag',
  group: 'General',
  summary: 'Print the version',
  fromEnv: false,
});
