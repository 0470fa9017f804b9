import type { OptionSpec } from './option-specs.js';
import { HELP_OPTION, VERSION_OPTION } from './option-specs.js';
import { showValue } from './show-value.js';
import { UsageError } from './usage-error.js';
import { editDistance } from '../text/edit-distance.js';

/** One not-yet-validated value and where it came from (`--policy` or `MCP_OPA_SHIM_POLICY`). */
export interface RawValue {
  readonly value: string;
  /** How error messages name the source, backticks included. */
  readonly label: string;
}

export type RawOptions = ReadonlyMap<string, readonly RawValue[]>;

export interface OptionTokens {
  readonly options: Map<string, RawValue[]>;
  /**
   * `command` mode: the child command line (after `--`, or from the first positional on).
   * `collect` mode: every positional, in order.
   */
  readonly rest: readonly string[];
  /** Whether a `--` ended the options (so the rest is verbatim by the user's own say-so). */
  readonly separated: boolean;
  readonly special: 'help' | 'version' | undefined;
}

export interface TokenMode {
  /** What a positional means: the start of the command, an operand, or a mistake. */
  readonly positionals: 'command' | 'collect' | 'reject';
  /** How to name the command in messages, e.g. `mcp-opa-shim eval`. */
  readonly usage: string;
}

/** Splits argv into raw option values. Knows option shapes only; values are validated later. */
export function readOptionTokens(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  mode: TokenMode,
): OptionTokens {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options = new Map<string, RawValue[]>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      rest.push(...argv.slice(i + 1));
      return { options, rest, separated: true, special: undefined };
    }
    if (token === '-h' || token === '--help')
      return { options, rest, separated: false, special: 'help' };
    if (token === '--version') return { options, rest, separated: false, special: 'version' };
    if (!token.startsWith('-') || token === '-') {
      if (mode.positionals === 'command') {
        rest.push(...argv.slice(i));
        break;
      }
      if (mode.positionals === 'reject') {
        throw new UsageError(
          `Unexpected argument \`${showValue(token)}\` for \`${mode.usage}\`; run \`${mode.usage} --help\` for its options.`,
        );
      }
      rest.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.startsWith('--') ? token.slice(2, eq === -1 ? undefined : eq) : '';
    const spec = byName.get(name);
    if (spec === undefined) throw unknownOption(token, eq, specs, mode);
    const label = `\`--${spec.name}\``;
    let value: string;
    if (eq !== -1) {
      value = token.slice(eq + 1);
    } else if (spec.kind === 'flag') {
      value = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        const placeholder = spec.valueName === undefined ? 'a value' : `a value ${spec.valueName}`;
        const got = next === undefined ? 'nothing' : `\`${showValue(next)}\``;
        const fix =
          next === undefined
            ? `Write \`--${spec.name} ${spec.valueName ?? '<value>'}\`.`
            : `Write \`--${spec.name}=<value>\` if the value really starts with \`--\`.`;
        throw new UsageError(
          `Expected \`--${spec.name}\` to be followed by ${placeholder}, got ${got}. ${fix}`,
        );
      }
      value = next;
      i++;
    }
    const list = options.get(spec.name) ?? [];
    if (list.length > 0 && !spec.repeatable) {
      const first = list[0]?.value ?? '';
      throw new UsageError(
        `Expected \`--${spec.name}\` at most once, got \`${showValue(first)}\` and \`${showValue(value)}\`; keep one.`,
      );
    }
    list.push({ value, label });
    options.set(spec.name, list);
  }
  return { options, rest, separated: false, special: undefined };
}

function unknownOption(
  token: string,
  eq: number,
  specs: readonly OptionSpec[],
  mode: TokenMode,
): UsageError {
  const shown = showValue(eq === -1 ? token : token.slice(0, eq));
  const name = shown.replace(/^-+/, '');
  const names = [...specs, HELP_OPTION, VERSION_OPTION].map((s) => s.name);
  const near = names.find((candidate) => editDistance(candidate, name) <= 2);
  const hint = near === undefined ? '' : ` Did you mean \`--${near}\`?`;
  const tail = mode.positionals === 'command' ? '; put the server command after `--`' : '';
  return new UsageError(
    `Unknown option \`${shown}\` for \`${mode.usage}\`.${hint} Run \`${mode.usage} --help\` for the options${tail}.`,
  );
}
