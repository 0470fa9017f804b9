import { basename, isAbsolute, resolve } from 'node:path';
import { wrapEntries, type WrapPlan } from '../clients/rewrite-entries.js';
import { readServerEntries, type ServerEntry } from '../clients/server-entries.js';
import { parseWrappedCommand } from '../clients/wrapped-command.js';
import { defineOption, RUN_OPTIONS } from '../config/option-specs.js';
import { shimVersion } from '../config/shim-version.js';
import { readOptionTokens, type RawOptions } from '../config/read-option-tokens.js';
import { showValue } from '../config/show-value.js';
import {
  checkNamed,
  readTarget,
  report,
  TARGET_OPTIONS,
  exitCodeFor,
  type CommandIo,
} from './client-config-target.js';
import { UsageError } from '../config/usage-error.js';

const USAGE = 'mcp-opa-shim wrap';

const SHIM_COMMAND_OPTION = defineOption({
  name: 'shim-command',
  valueName: '<path>',
  group: 'Config file',
  fromEnv: false,
  summary: 'the command entries run',
  defaultText: 'the absolute path of this mcp-opa-shim',
});
const OWN_OPTIONS = [...TARGET_OPTIONS, SHIM_COMMAND_OPTION];
const OWN_NAMES = new Set(OWN_OPTIONS.map((spec) => spec.name));

export const WRAP_HELP = `Usage:
  mcp-opa-shim wrap (--client <name> | --file <path>) [--only <name>]... [--dry-run]
                    [--shim-command <path>] [shim options...] [--server <name> shim options...]...

Rewrites a client's config so that each stdio server runs through the shim: an entry's
command becomes the shim and its args become [shim options..., --, command, args...]. env, cwd
and the server's args stay as they were. Remote (HTTP/SSE) servers are listed, not wrapped.
Entries already wrapped are left alone. A backup is written next to the file.

  --client <name>        claude-desktop, claude-code (~/.claude.json: user and project servers),
                         claude-code-project (./.mcp.json), cursor (~/.cursor/mcp.json),
                         cursor-project (./.cursor/mcp.json), vscode (./.vscode/mcp.json)
  --file <path>          any config file with "mcpServers" or "servers"
  --only <name> *        wrap only this server
  --dry-run              print the diff and change nothing
  --shim-command <path>  what entries run, e.g. \`mcp-opa-shim\` to find it on PATH (default: the
                         absolute path of this mcp-opa-shim, so a client whose PATH lacks npm's
                         bin directory still finds it; on Windows, node and that path)
  --server <name>        the shim options after it apply to that server only
  shim options           any option of \`mcp-opa-shim --help\`; before the first --server they
                         apply to every server. \`{server}\` in a value becomes the entry's name.
                         Relative paths are made absolute (clients start servers elsewhere).

Example:
  mcp-opa-shim wrap --client claude-desktop --audit-log '~/.mcp-audit/{server}.jsonl' \\
    --server filesystem --root ~/projects
  mcp-opa-shim unwrap --client claude-desktop
`;

const PATH_VALUE = /^<(file|dir|file\.rego)>$/;
const PATH_OPTIONS = new Set(
  RUN_OPTIONS.filter((spec) => PATH_VALUE.test(spec.valueName ?? '')).map((spec) => spec.name),
);

/** `mcp-opa-shim wrap ...`; `argv` is everything after `wrap`. Resolves with the exit code. */
export function runWrap(argv: readonly string[], io: CommandIo): number {
  try {
    const sections = splitServerSections(argv);
    const common = readOptionTokens(sections.common, [...OWN_OPTIONS, ...RUN_OPTIONS], {
      positionals: 'reject',
      usage: USAGE,
    });
    if (common.special !== undefined) {
      io.stdout.write(common.special === 'help' ? WRAP_HELP : `${shimVersion()}\n`);
      return 0;
    }
    const target = readTarget(common.options, io, USAGE);
    const entries = readServerEntries(target.text, target.format);
    checkNamed(target.only, 'only', entries, target.path);
    checkNamed(sections.perServer.keys(), 'server', entries, target.path);
    const commonArgs = shimArgs(common.options, io.cwd);
    const perServer = new Map(
      [...sections.perServer].map(([name, args]) => [name, perServerArgs(name, args, io)]),
    );
    const launch = shimCommand(common.options, io);
    const plan: WrapPlan = {
      shimCommand: launch.command,
      launcherArgs: launch.launcherArgs,
      shimArgsFor: (entry: ServerEntry) => {
        if (target.only.size > 0 && !target.only.has(entry.name)) return undefined;
        const args = [...commonArgs, ...(perServer.get(entry.name) ?? [])].map((arg) =>
          arg.replaceAll('{server}', fileSafe(entry.name)),
        );
        // Both lists were valid alone; together a single-use option may appear twice.
        readOptionTokens(args, RUN_OPTIONS, { positionals: 'reject', usage: USAGE });
        return args;
      },
    };
    return report(target, wrapEntries(target.text, target.format, plan), 'wrap', io);
  } catch (error) {
    return exitCodeFor(error, io);
  }
}

/** Splits at each `--server <name>`: the options before the first apply to every server. */
function splitServerSections(argv: readonly string[]): {
  common: string[];
  perServer: Map<string, string[]>;
} {
  const common: string[] = [];
  const perServer = new Map<string, string[]>();
  let current = common;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token !== '--server' && !token.startsWith('--server=')) {
      current.push(token);
      continue;
    }
    const name = token === '--server' ? argv[++i] : token.slice('--server='.length);
    if (name === undefined || name === '' || name.startsWith('--')) {
      throw new UsageError(
        `Expected \`--server\` to be followed by a server name from the config, got ${name === undefined ? 'nothing' : `\`${showValue(name)}\``}. Write \`--server <name> [shim options]\`.`,
      );
    }
    if (perServer.has(name)) {
      throw new UsageError(
        `Expected \`--server ${showValue(name)}\` once, got it twice; put all of its options after one \`--server ${showValue(name)}\`.`,
      );
    }
    current = [];
    perServer.set(name, current);
  }
  return { common, perServer };
}

function perServerArgs(name: string, argv: readonly string[], io: CommandIo): string[] {
  const tokens = readOptionTokens(argv, RUN_OPTIONS, {
    positionals: 'reject',
    usage: `${USAGE} --server ${name}`,
  });
  if (tokens.special !== undefined) {
    throw new UsageError(
      `Expected shim options after \`--server ${showValue(name)}\`, got \`--${tokens.special}\`; run \`${USAGE} --help\`.`,
    );
  }
  return shimArgs(tokens.options, io.cwd);
}

/** The shim options as argv, in the order given; relative paths made absolute. */
function shimArgs(options: RawOptions, cwd: string): string[] {
  const args: string[] = [];
  for (const [name, values] of options) {
    if (OWN_NAMES.has(name)) continue;
    const spec = RUN_OPTIONS.find((s) => s.name === name);
    for (const { value } of values) {
      if (spec?.kind === 'flag') {
        args.push(value === 'true' ? `--${name}` : `--${name}=${value}`);
      } else {
        const absolute = PATH_OPTIONS.has(name) && !isHomeRelative(value) && !isAbsolute(value);
        args.push(`--${name}`, absolute ? resolve(cwd, value) : value);
      }
    }
  }
  return args;
}

/** `~/…` is left for the shim, which expands it with the HOME the client gives it. */
function isHomeRelative(value: string): boolean {
  return value === '~' || value.startsWith('~/');
}

/**
 * What entries run. By default the absolute path of this bin (`process.argv[1]`, the link in
 * npm's bin directory when run from PATH): clients started from a desktop often lack the shell's
 * PATH. On Windows, which cannot run a `.mjs` file by itself, it is this Node with the bin's
 * path as the first argument (the form `parseWrappedCommand` knows as `node …/mcp-opa-shim.mjs`).
 */
function shimCommand(
  options: RawOptions,
  io: CommandIo,
): { command: string; launcherArgs: string[] } {
  const given = options.get('shim-command')?.[0]?.value;
  if (given !== undefined) {
    if (parseWrappedCommand(given, ['--', 'server']) === undefined) {
      throw new UsageError(
        `Expected \`--shim-command\` to be the mcp-opa-shim bin (a path whose file name is \`mcp-opa-shim\`, so that \`unwrap\` and a second \`wrap\` recognise the entries), got \`${showValue(given)}\`.`,
      );
    }
    return { command: given, launcherArgs: [] };
  }
  const self = process.argv[1];
  if (self === undefined || !/^mcp-opa-shim(\.mjs)?$/.test(basename(self))) {
    throw new UsageError(
      `Expected to run as the installed \`mcp-opa-shim\` bin to know what entries should run, got \`${showValue(self ?? '')}\`; give \`--shim-command <path to mcp-opa-shim>\`.`,
    );
  }
  const bin = resolve(io.cwd, self);
  if ((io.platform ?? process.platform) === 'win32')
    return { command: process.execPath, launcherArgs: [bin] };
  return { command: bin, launcherArgs: [] };
}

/** `{server}` in a file name: keep letters, digits, `.`, `_` and `-`. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
