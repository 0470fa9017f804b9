import { defineOption, RUN_OPTIONS, type OptionSpec } from '../../config/option-specs.js';
import { invalid } from '../../config/options/value-checks.js';
import { UsageError } from '../../config/usage-error.js';

const GROUP = 'Doctor';

/** Doctor's own options; every other option before the command is the shim's. */
export const DOCTOR_OPTIONS: readonly OptionSpec[] = [
  defineOption({
    name: 'client',
    valueName: '<name>',
    group: GROUP,
    fromEnv: false,
    summary: "Check every server in that client's own config file (names below)",
  }),
  defineOption({
    name: 'file',
    valueName: '<config>',
    group: GROUP,
    fromEnv: false,
    summary: 'Check every server in this client config file',
  }),
  defineOption({
    name: 'json',
    kind: 'flag',
    group: GROUP,
    fromEnv: false,
    summary: 'Print the checks as JSON',
  }),
  defineOption({
    name: 'timeout-ms',
    valueName: '<ms>',
    group: GROUP,
    fromEnv: false,
    summary: 'How long `initialize` and `tools/list` may take through the shim',
    defaultText: String(30_000),
  }),
];

export const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 600_000;

export interface DoctorArguments {
  readonly special: 'help' | 'version' | undefined;
  readonly json: boolean;
  /** `--file`, as given (resolved by the caller). */
  readonly file: string | undefined;
  /** `--client`, as given (checked by the caller). */
  readonly client: string | undefined;
  readonly timeoutMs: number;
  /** The shim's options, as given, before the server command. */
  readonly shimOptions: readonly string[];
  /** The server command and its arguments; empty when none was given. */
  readonly commandLine: readonly string[];
  /** Whether `--` separated the command, so the shim's own parser sees the same shape. */
  readonly separated: boolean;
}

/** One option as it appeared: its name (undefined for an unknown token) and its tokens. */
interface OptionGroup {
  readonly spec: OptionSpec | undefined;
  readonly tokens: readonly string[];
}

/**
 * Groups option tokens up to `--` or the first positional (the command). Knows which options
 * take a value, so that a value is never mistaken for the command; values are not validated.
 */
function groupOptions(argv: readonly string[], specs: readonly OptionSpec[]) {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const groups: OptionGroup[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') return { groups, commandAt: i + 1, separated: true };
    if (!token.startsWith('-') || token === '-') return { groups, commandAt: i, separated: false };
    const eq = token.indexOf('=');
    const spec = token.startsWith('--')
      ? byName.get(token.slice(2, eq === -1 ? undefined : eq))
      : undefined;
    const next = argv[i + 1];
    // An unknown option followed by a word, with `--` later, most likely takes that word.
    const takesNext =
      next !== undefined &&
      eq === -1 &&
      (spec === undefined
        ? argv.includes('--', i + 2) && !next.startsWith('-')
        : spec.kind === 'value' && !next.startsWith('--'));
    if (takesNext) {
      groups.push({ spec, tokens: [token, next] });
      i++;
    } else {
      groups.push({ spec, tokens: [token] });
    }
  }
  return { groups, commandAt: argv.length, separated: false };
}

function valueOf(group: OptionGroup): string | undefined {
  const [token = '', next] = group.tokens;
  const eq = token.indexOf('=');
  return eq === -1 ? next : token.slice(eq + 1);
}

/**
 * Splits `doctor` arguments into doctor's own options and the shim's command line. Unknown
 * options stay with the shim's, whose parser reports them as the shim would. Throws UsageError
 * for a bad doctor option.
 */
export function splitDoctorArguments(argv: readonly string[]): DoctorArguments {
  const { groups, commandAt, separated } = groupOptions(argv, [...RUN_OPTIONS, ...DOCTOR_OPTIONS]);
  const shimOptions: string[] = [];
  let json = false;
  let file: string | undefined;
  let client: string | undefined;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  for (const group of groups) {
    const [token = ''] = group.tokens;
    if (token === '-h' || token === '--help') return special('help');
    if (token === '--version') return special('version');
    const name =
      group.spec !== undefined && DOCTOR_OPTIONS.includes(group.spec) ? group.spec.name : undefined;
    if (name === undefined) {
      shimOptions.push(...group.tokens);
      continue;
    }
    const value = valueOf(group);
    if (name === 'json') json = true;
    else if (value === undefined || value === '')
      throw new UsageError(
        `Expected \`--${name}\` to be followed by a value, got nothing. Write \`--${name} ${group.spec?.valueName ?? '<value>'}\`.`,
      );
    else if (name === 'file') file = value;
    else if (name === 'client') client = value;
    else timeoutMs = timeout(value);
  }
  return {
    special: undefined,
    json,
    file,
    client,
    timeoutMs,
    shimOptions,
    commandLine: argv.slice(commandAt),
    separated,
  };
}

function special(kind: 'help' | 'version'): DoctorArguments {
  return {
    special: kind,
    json: false,
    file: undefined,
    client: undefined,
    timeoutMs: DEFAULT_TIMEOUT_MS,
    shimOptions: [],
    commandLine: [],
    separated: false,
  };
}

function timeout(value: string): number {
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > MAX_TIMEOUT_MS) {
    throw invalid(
      { value, label: '`--timeout-ms`' },
      `an integer number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`,
    );
  }
  return ms;
}

/** The shim's options without any `--<name>` occurrence (to point `--audit-log` elsewhere). */
export function withoutOption(shimOptions: readonly string[], name: string): string[] {
  const { groups, commandAt } = groupOptions(shimOptions, RUN_OPTIONS);
  return [
    ...groups.filter((group) => group.spec?.name !== name).flatMap((group) => group.tokens),
    ...shimOptions.slice(commandAt),
  ];
}
