import type { PolicyConfig, ShimConfig } from '../config/config.js';
import { loadEnvFiles } from '../config/load-env-files.js';
import { optionContext } from '../config/option-context.js';
import { EVAL_OPTIONS, RUN_OPTIONS } from '../config/option-specs.js';
import {
  booleanValue,
  existingFile,
  single,
  type OptionContext,
} from '../config/options/value-checks.js';
import { unknownShimEnvNames, withEnvOptions, type Env } from '../config/read-env-options.js';
import { readOptionTokens } from '../config/read-option-tokens.js';
import { showValue } from '../config/show-value.js';
import { shimVersion } from '../config/shim-version.js';
import { validatePolicyOnlyOptions, validateShimOptions } from '../config/validate-options.js';
import { evalHelpText, helpText } from './help-text.js';
import { UsageError } from '../config/usage-error.js';

export type ParsedCommand =
  | {
      readonly kind: 'run';
      readonly config: ShimConfig;
      /** Merged `--env-file` values (later files win). All of them are secrets. */
      readonly envFileValues: Readonly<Record<string, string>>;
      /** Non-fatal findings worth a log line, e.g. an unknown `MCP_OPA_SHIM_*` variable. */
      readonly warnings: readonly string[];
    }
  | {
      readonly kind: 'eval';
      readonly policy: PolicyConfig;
      /** Absolute path of an existing file, or `-` for stdin; undefined with `fromAudit`. */
      readonly inputPath: string | undefined;
      /** `--from-audit <log> --seq <n>`: the input of that decision record. */
      readonly fromAudit?: { readonly path: string; readonly seq: number };
      /** `--exit-zero`: a deny exits 0 instead of 1. */
      readonly exitZero: boolean;
    }
  /** Everything after `audit`, untouched, for the audit command's own parser. */
  | { readonly kind: 'audit'; readonly argv: readonly string[] }
  /** Everything after `doctor`: its own options, then the shim's, parsed by the doctor command. */
  | { readonly kind: 'doctor'; readonly argv: readonly string[] }
  /** Everything after `wrap`/`unwrap`, for their own parser (src/cli/wrap-command.ts). */
  | { readonly kind: 'wrap' | 'unwrap'; readonly argv: readonly string[] }
  /** The policy dev loop (init, build, test): the rest of argv, for each command's own parser. */
  | { readonly kind: PolicyDevCommand; readonly argv: readonly string[] }
  /** Everything after `status`, for the status command's own parser. */
  | { readonly kind: 'status'; readonly argv: readonly string[] }
  /** Everything after `pins`, for the pins command's own parser (docs/pinning.md). */
  | { readonly kind: 'pins'; readonly argv: readonly string[] }
  /** `text` ends with a newline and goes to stdout. */
  | { readonly kind: 'help'; readonly text: string }
  | { readonly kind: 'version'; readonly text: string };

/** Overrides for tests; the defaults are the real process's. */
export interface ParseContext {
  readonly cwd?: string;
  readonly homeDir?: string;
  readonly osUsername?: () => string;
}

const SHIM = 'mcp-opa-shim';
const POLICY_DEV_COMMANDS = ['init', 'build', 'test'] as const;
type PolicyDevCommand = (typeof POLICY_DEV_COMMANDS)[number];
/** Every command that is not a client launching the shim around a server. */
export const SUBCOMMANDS: readonly string[] = [
  'eval',
  'audit',
  'doctor',
  'wrap',
  'unwrap',
  'status',
  'pins',
  ...POLICY_DEV_COMMANDS,
];
const COMMAND_EXAMPLE = `${SHIM} -- npx -y @modelcontextprotocol/server-everything`;

/**
 * Parses the shim's arguments (`process.argv.slice(2)`) and its `MCP_OPA_SHIM_*` environment.
 * Throws `UsageError` (exit 2, message on stderr) on the first problem.
 */
export function parseCommandLine(
  argv: readonly string[],
  env: Env,
  context: ParseContext = {},
): ParsedCommand {
  const resolved = optionContext(env, context);
  if (argv[0] === 'audit') return { kind: 'audit', argv: argv.slice(1) };
  if (argv[0] === 'doctor') return { kind: 'doctor', argv: argv.slice(1) };
  if (argv[0] === 'wrap' || argv[0] === 'unwrap') return { kind: argv[0], argv: argv.slice(1) };
  const devCommand = POLICY_DEV_COMMANDS.find((name) => name === argv[0]);
  if (devCommand !== undefined) return { kind: devCommand, argv: argv.slice(1) };
  if (argv[0] === 'status') return { kind: 'status', argv: argv.slice(1) };
  if (argv[0] === 'pins') return { kind: 'pins', argv: argv.slice(1) };
  if (argv[0] === 'eval') return parseEval(argv.slice(1), env, resolved);
  return parseRun(argv, env, resolved);
}

function parseRun(argv: readonly string[], env: Env, context: OptionContext): ParsedCommand {
  const tokens = readOptionTokens(argv, RUN_OPTIONS, { positionals: 'command', usage: SHIM });
  if (tokens.special === 'help') return { kind: 'help', text: helpText(shimVersion()) };
  if (tokens.special === 'version') return { kind: 'version', text: `${shimVersion()}\n` };
  const [command, ...args] = tokens.rest;
  if (command === undefined) {
    throw new UsageError(
      `Expected a server command after the options, e.g. \`${COMMAND_EXAMPLE}\`, got nothing. Run \`${SHIM} --help\` for the options.`,
    );
  }
  if (command.trim() === '') {
    throw new UsageError(
      `Expected a program name as the server command, got \`${showValue(command)}\`.`,
    );
  }
  if (!tokens.separated && SUBCOMMANDS.includes(command)) {
    throw new UsageError(
      `Expected the subcommand \`${command}\` first, got it after options; write \`${SHIM} ${command} [options]\` (or \`${SHIM} [options] -- ${command}\` to wrap a program of that name).`,
    );
  }
  const options = withEnvOptions(tokens.options, env, RUN_OPTIONS);
  const config = validateShimOptions(options, [command, ...args], context);
  const warnings = unknownShimEnvNames(env, RUN_OPTIONS).map(
    (name) =>
      `Ignoring the environment variable \`${name}\`: no option has that name (see \`${SHIM} --help\`).`,
  );
  return { kind: 'run', config, envFileValues: loadEnvFiles(config.envFiles), warnings };
}

function parseEval(argv: readonly string[], env: Env, context: OptionContext): ParsedCommand {
  const usage = `${SHIM} eval`;
  const tokens = readOptionTokens(argv, EVAL_OPTIONS, { positionals: 'reject', usage });
  if (tokens.special === 'help') return { kind: 'help', text: evalHelpText(shimVersion()) };
  if (tokens.special === 'version') return { kind: 'version', text: `${shimVersion()}\n` };
  const options = withEnvOptions(tokens.options, env, EVAL_OPTIONS);
  const rawInput = single(options, 'input');
  const fromAudit = evalFromAudit(options, context, usage);
  if (rawInput === undefined && fromAudit === undefined) {
    throw new UsageError(
      `Expected \`--input <file|->\` or \`--from-audit <log.jsonl> --seq <n>\` for \`${usage}\`, got neither; give a JSON policy input file, \`-\` to read it from stdin, or a record of an audit log.`,
    );
  }
  if (rawInput !== undefined && fromAudit !== undefined) {
    throw new UsageError(
      `Expected one input for \`${usage}\`, got both \`--input\` and \`--from-audit\`; drop one of them.`,
    );
  }
  const inputPath =
    rawInput === undefined
      ? undefined
      : rawInput.value === '-'
        ? '-'
        : existingFile(rawInput, context, 'an existing JSON file or `-` for stdin');
  const rawExitZero = single(options, 'exit-zero');
  return {
    kind: 'eval',
    policy: validatePolicyOnlyOptions(options, context),
    inputPath,
    ...(fromAudit === undefined ? {} : { fromAudit }),
    exitZero: rawExitZero !== undefined && booleanValue(rawExitZero),
  };
}

/** `--from-audit <log> --seq <n>` of `eval`: both or neither. */
function evalFromAudit(
  options: Parameters<typeof single>[0],
  context: OptionContext,
  usage: string,
): { path: string; seq: number } | undefined {
  const rawLog = single(options, 'from-audit');
  const rawSeq = single(options, 'seq');
  if (rawLog === undefined && rawSeq === undefined) return undefined;
  if (rawLog === undefined || rawSeq === undefined) {
    throw new UsageError(
      `Expected \`--from-audit <log.jsonl>\` and \`--seq <n>\` together for \`${usage}\`, got only ${rawLog === undefined ? '`--seq`' : '`--from-audit`'}; the record's \`seq\` is in each line of the log.`,
    );
  }
  if (!/^\d+$/.test(rawSeq.value)) {
    throw new UsageError(
      `Expected ${rawSeq.label} to be a record's \`seq\` (a whole number, 0 or more), got \`${showValue(rawSeq.value)}\`.`,
    );
  }
  return { path: existingFile(rawLog, context, 'an audit log file'), seq: Number(rawSeq.value) };
}
