import { unwrapEntries } from '../clients/rewrite-entries.js';
import { readServerEntries } from '../clients/server-entries.js';
import { shimVersion } from '../config/shim-version.js';
import { readOptionTokens } from '../config/read-option-tokens.js';
import {
  checkNamed,
  readTarget,
  report,
  TARGET_OPTIONS,
  exitCodeFor,
  type CommandIo,
} from './client-config-target.js';

const USAGE = 'mcp-opa-shim unwrap';

export const UNWRAP_HELP = `Usage:
  mcp-opa-shim unwrap (--client <name> | --file <path>) [--only <name>]... [--dry-run]

Puts back each entry that runs through the shim: the server command returns to \`command\`
and the shim's options leave \`args\`. An entry \`wrap\` wrote and nobody edited since comes back
byte for byte. A backup is written next to the file. Options as for \`mcp-opa-shim wrap --help\`.
`;

/** `mcp-opa-shim unwrap ...`; `argv` is everything after `unwrap`. Resolves with the exit code. */
export function runUnwrap(argv: readonly string[], io: CommandIo): number {
  try {
    const tokens = readOptionTokens(argv, TARGET_OPTIONS, { positionals: 'reject', usage: USAGE });
    if (tokens.special !== undefined) {
      io.stdout.write(tokens.special === 'help' ? UNWRAP_HELP : `${shimVersion()}\n`);
      return 0;
    }
    const target = readTarget(tokens.options, io, USAGE);
    checkNamed(target.only, 'only', readServerEntries(target.text, target.format), target.path);
    const selected = (entry: { name: string }): boolean =>
      target.only.size === 0 || target.only.has(entry.name);
    return report(target, unwrapEntries(target.text, target.format, selected), 'unwrap', io);
  } catch (error) {
    return exitCodeFor(error, io);
  }
}
