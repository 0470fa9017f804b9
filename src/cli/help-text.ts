import {
  EVAL_OPTIONS,
  HELP_OPTION,
  RUN_OPTIONS,
  VERSION_OPTION,
  envNameOf,
  type OptionSpec,
} from '../config/option-specs.js';

/** `mcp-opa-shim --help`. Option lines come from the option table, so they cannot drift. */
export function helpText(version: string): string {
  return [
    `mcp-opa-shim ${version}: puts an OPA policy (compiled to Wasm) in front of a stdio MCP server.`,
    '',
    'Usage:',
    '  mcp-opa-shim [options] -- <command> [args...]',
    '  mcp-opa-shim eval --input <file|-> [--policy <file>] [--data <file>]... [--entrypoint <path>]',
    '  mcp-opa-shim audit verify|roots|replay|summary ...   (mcp-opa-shim audit --help)',
    '  mcp-opa-shim doctor [options] -- <command> [args...]   check a setup (mcp-opa-shim doctor --help)',
    '  mcp-opa-shim wrap|unwrap --client <name> | --file <path> ...   (mcp-opa-shim wrap --help)',
    '  mcp-opa-shim init|test|build [dir] ...   write, test and build your own rules (<command> --help)',
    '  mcp-opa-shim status --config <file> [--json]         (mcp-opa-shim status --help)',
    '  mcp-opa-shim pins list|diff|accept <server-id> [tool]   tool pins (mcp-opa-shim pins --help)',
    '',
    'Every option can also be set with the environment variable shown; the command line wins.',
    ...optionLines([...RUN_OPTIONS, HELP_OPTION, VERSION_OPTION]),
    '',
    'Notes:',
    '  * repeatable: give the option several times. In the environment give a comma-separated',
    '    list or a JSON array of strings (["a,b","c"]). Any command-line use replaces the env list.',
    '  Flags in the environment take 1/true/yes or 0/false/no. Empty variables count as unset.',
    '  Paths may start with ~/. Relative paths are resolved against the working directory.',
    '  Without `--`, the first argument that is not an option starts the server command.',
    '',
    'Example:',
    '  mcp-opa-shim --principal alice --role developer --root ~/projects \\',
    '    --audit-log ~/mcp-audit.jsonl -- npx -y @modelcontextprotocol/server-filesystem ~/projects',
    '',
  ].join('\n');
}

/** Shown by `eval --help`; test/cli/eval-help-examples.test.ts runs each one. */
export const EVAL_EXAMPLES = [
  'mcp-opa-shim eval --data examples/file-roots/data.yaml --input examples/file-roots/input-inside-root.json',
  'mcp-opa-shim eval --data examples/file-roots/data.yaml --input examples/file-roots/input-traversal.json',
  'mcp-opa-shim eval --rules examples/custom-rule/rules.rego --input examples/custom-rule/input-write.json',
  'mcp-opa-shim eval --rules examples/custom-rule/rules.rego --from-audit examples/custom-rule/audit.jsonl --seq 9',
  'mcp-opa-shim eval --from-audit examples/custom-rule/audit.jsonl --seq 4',
];

/** `mcp-opa-shim eval --help`. */
export function evalHelpText(version: string): string {
  return [
    `mcp-opa-shim ${version} eval: print the policy decision for one input, without a server.`,
    '',
    'Usage:',
    '  mcp-opa-shim eval --input <file|-> [--policy <file> | --rules <file.rego>...] [--data <file>]... [--entrypoint <path>] [--exit-zero]',
    '  mcp-opa-shim eval --from-audit <log.jsonl> --seq <n> [policy options as above]',
    ...optionLines([...EVAL_OPTIONS, HELP_OPTION]),
    '',
    'Exit status: 0 allowed; 1 denied (0 with --exit-zero); 2 bad usage or input; 78 the policy or',
    'data cannot be loaded.',
    '',
    'Examples (from a clone of the repository):',
    ...EVAL_EXAMPLES.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

const NAME_WIDTH = 30;
const MAX_WIDTH = 100;

function optionLines(specs: readonly OptionSpec[]): string[] {
  const lines: string[] = [];
  let group = '';
  for (const spec of specs) {
    if (spec.group !== group) {
      group = spec.group;
      lines.push('', `${group}:`);
    }
    const name = `  --${spec.name}${spec.valueName === undefined ? '' : ` ${spec.valueName}`}`;
    const marker = spec.repeatable ? ' *' : '';
    const indent = ' '.repeat(NAME_WIDTH + 1);
    // A name too long for its column gets a line of its own, so every summary stays aligned.
    if ((name + marker).length >= NAME_WIDTH) lines.push(name + marker, indent + spec.summary);
    else lines.push(`${(name + marker).padEnd(NAME_WIDTH)} ${spec.summary}`);
    const details = [
      spec.fromEnv ? `env ${envNameOf(spec)}` : undefined,
      spec.defaultText === undefined ? undefined : `default: ${spec.defaultText}`,
    ].filter((detail) => detail !== undefined);
    const joined = `${indent}${details.join('; ')}`;
    if (joined.length <= MAX_WIDTH) lines.push(joined);
    else lines.push(...details.map((detail) => `${indent}${detail}`));
  }
  return lines;
}
