import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { CLIENT_NAMES, clientFile, type ClientName } from '../clients/client-paths.js';
import { editDiff } from '../clients/edit-diff.js';
import type { Rewrite } from '../clients/rewrite-entries.js';
import {
  ClientConfigError,
  detectFormat,
  type ClientFormat,
  type ServerEntry,
} from '../clients/server-entries.js';
import { ConfigChangedError, writeConfigFile } from '../clients/write-config-file.js';
import { defineOption, type OptionSpec } from '../config/option-specs.js';
import type { RawOptions } from '../config/read-option-tokens.js';
import { showValue } from '../config/show-value.js';
import { USAGE_EXIT_CODE, UsageError } from '../config/usage-error.js';

/** What `wrap` and `unwrap` share: which file, `--dry-run`, `--only`, the report and the write. */

export interface CommandIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly platform?: NodeJS.Platform;
  readonly now?: () => Date;
}

/** 1: the config file cannot be read, parsed or written. 2 is a usage error. */
export const EXIT_FILE = 1;

const GROUP = 'Config file';
export const TARGET_OPTIONS: readonly OptionSpec[] = [
  defineOption({
    name: 'client',
    valueName: '<name>',
    group: GROUP,
    fromEnv: false,
    summary: `the client whose config to edit: ${CLIENT_NAMES.join(', ')}`,
  }),
  defineOption({
    name: 'file',
    valueName: '<path>',
    group: GROUP,
    fromEnv: false,
    summary: 'edit this config file instead (format from its name, else from its keys)',
  }),
  defineOption({
    name: 'only',
    valueName: '<name>',
    group: GROUP,
    fromEnv: false,
    repeatable: true,
    summary: 'edit only this server entry (every stdio entry by default)',
  }),
  defineOption({
    name: 'dry-run',
    kind: 'flag',
    group: GROUP,
    fromEnv: false,
    summary: 'print the diff and change nothing',
  }),
];

export interface Target {
  readonly path: string;
  readonly format: ClientFormat;
  readonly text: string;
  readonly dryRun: boolean;
  readonly only: ReadonlySet<string>;
}

/** Thrown for a file we cannot use; the message is complete (names the file and the fix). */
export class TargetFileError extends Error {}

/** A usage error (2) or a file `wrap`/`unwrap` cannot use (1), as one line; anything else is rethrown. */
export function exitCodeFor(error: unknown, io: CommandIo): number {
  if (!(error instanceof UsageError) && !(error instanceof TargetFileError)) throw error;
  io.stderr.write(`mcp-opa-shim: ${error.message}\n`);
  return error instanceof UsageError ? USAGE_EXIT_CODE : EXIT_FILE;
}

export function readTarget(options: RawOptions, io: CommandIo, usage: string): Target {
  const client = options.get('client')?.[0]?.value;
  const file = options.get('file')?.[0]?.value;
  if ((client === undefined) === (file === undefined)) {
    throw new UsageError(
      `Expected exactly one of \`--client <name>\` or \`--file <path>\` for \`${usage}\`, got ${client === undefined ? 'neither' : 'both'}. Clients: ${CLIENT_NAMES.join(', ')}.`,
    );
  }
  const homeDir = io.env.HOME ?? homedir();
  let path: string;
  let format: ClientFormat | undefined;
  let where: string;
  if (client !== undefined) {
    if (!(CLIENT_NAMES as readonly string[]).includes(client)) {
      throw new UsageError(
        `Expected \`--client\` to be one of ${CLIENT_NAMES.join(', ')}, got \`${showValue(client)}\`; use \`--file <path>\` for any other config file.`,
      );
    }
    const place = { platform: io.platform ?? process.platform, homeDir, cwd: io.cwd, env: io.env };
    const known = clientFile(client as ClientName, place);
    ({ path, format } = known);
    where = `\`--client ${client}\` (${known.description})`;
  } else {
    const raw = file ?? '';
    path = resolve(io.cwd, raw.startsWith('~/') ? `${homeDir}${raw.slice(1)}` : raw);
    where = `\`--file ${showValue(raw)}\``;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TargetFileError(
      `Cannot read ${where}: \`${path}\` (${code}). ${code === 'ENOENT' ? 'Check the path, or add a server in the client first so that it writes the file.' : 'Check its permissions.'}`,
    );
  }
  try {
    format ??= detectFormat(path, text);
  } catch (error) {
    if (error instanceof ClientConfigError)
      throw new TargetFileError(
        `\`${path}\` ${error.message}; fix it in the client or an editor, then run again.`,
      );
    throw error;
  }
  const only = new Set((options.get('only') ?? []).map((raw) => raw.value));
  return { path, format, text, dryRun: options.has('dry-run'), only };
}

/** Every `--only`/`--server` name must name an entry: a typo would silently change nothing. */
export function checkNamed(
  names: Iterable<string>,
  option: string,
  entries: readonly ServerEntry[],
  path: string,
): void {
  const known = new Set(entries.map((e) => e.name));
  for (const name of names) {
    if (!known.has(name)) {
      throw new UsageError(
        `Expected \`--${option}\` to name a server in \`${path}\`, got \`${showValue(name)}\`; its servers: ${[...known].join(', ') || 'none'}.`,
      );
    }
  }
}

/** Prints one line per entry, then writes the file (or the diff for `--dry-run`). */
export function report(target: Target, rewrite: Rewrite, verb: string, io: CommandIo): number {
  const lines = [`${target.path} (${target.format}):`];
  for (const outcome of rewrite.outcomes) {
    const name =
      outcome.entry.scope === undefined
        ? outcome.entry.name
        : `${outcome.entry.name} (project ${outcome.entry.scope})`;
    if (outcome.kind === 'unchanged') lines.push(`  unchanged  ${name}: ${outcome.reason}`);
    else lines.push(`  ${outcome.kind.padEnd(9)}  ${name}`);
  }
  if (rewrite.outcomes.length === 0) lines.push('  (no servers)');
  io.stdout.write(`${lines.join('\n')}\n`);
  if (rewrite.edits.length === 0) {
    io.stdout.write(`Nothing to ${verb}; the file is unchanged.\n`);
    return 0;
  }
  if (target.dryRun) {
    io.stdout.write(editDiff(target.path, target.text, rewrite.edits));
    io.stdout.write('Dry run: the file is unchanged.\n');
    return 0;
  }
  try {
    const backup = writeConfigFile(
      target.path,
      target.text,
      rewrite.text,
      (io.now ?? (() => new Date()))(),
    );
    io.stdout.write(`Backup: ${backup}\nWrote ${target.path}\n`);
    return 0;
  } catch (error) {
    if (error instanceof ConfigChangedError) {
      io.stderr.write(
        `mcp-opa-shim: \`${target.path}\` changed while it was being edited (the client saved it?); nothing was written. Run the command again.\n`,
      );
      return EXIT_FILE;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    io.stderr.write(
      `mcp-opa-shim: cannot write \`${target.path}\` (${code}); nothing was changed. Check the permissions of the file and its directory.\n`,
    );
    return EXIT_FILE;
  }
}
