import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ShimConfig } from '../config/config.js';
import { parsePointer } from './json-pointer.js';
import { readServerLaunch } from './read-server-launch.js';
import type { PolicyInput } from '../core/policy-input.js';

/** The parts of every policy input that are fixed for one shim run: built once, frozen. */
export interface InputContext {
  readonly principal: PolicyInput['principal'];
  readonly server: { readonly id: string; readonly command: readonly string[] };
  /** Names only, sorted; never values. */
  readonly environmentNames: readonly string[];
  /** realpath'd absolute directories. */
  readonly roots: readonly string[];
  /** Extra JSON pointers into tool arguments that hold file paths (other servers). */
  readonly pathPointers: readonly string[];
  readonly mode: 'enforce' | 'monitor';
  /**
   * Directories a relative path argument may be read against: the roots, every
   * directory named on the server's command line (server-filesystem reads
   * relative paths against its allowed directories, which may be wider) and the
   * server's working directory (older server-filesystem versions and most other
   * servers use it), or the `--path-base` directories instead of the working
   * directory. Undefined when the command line hides them (a shell string the
   * shim cannot read, a launcher that changes directory…): relative paths are
   * then refused.
   */
  readonly relativeBases: readonly string[] | undefined;
  /** Why `relativeBases` is undefined, for the logs. */
  readonly relativeBasesUnknown?: string;
  /** The server's working directory, when the command line shows nothing moves it. */
  readonly serverCwd: string | undefined;
  /** What `~` means to the server (its HOME, or its account's home without one); undefined when not known. */
  readonly serverHome: string | undefined;
}

/** Throws, naming the option, when a root does not exist or a pointer is malformed. */
export function createInputContext(
  config: ShimConfig,
  childEnvNames: readonly string[],
): InputContext {
  const principal = Object.freeze({
    id: config.principal.id,
    roles: Object.freeze([...config.principal.roles]),
    attributes: Object.freeze({ ...config.principal.attributes }),
  });
  const roots = [...new Set(config.roots.map(realRoot))];
  const home = serverHome(config, childEnvNames);
  const launch = readServerLaunch(config.command, config.args, childEnvNames, home);
  const serverCwd = launch.readable ? process.cwd() : undefined;
  const found = launch.readable ? directoryArguments(launch.words, home) : [];
  const visible = found === 'home unknown' ? [] : found;
  const readable = launch.readable && found !== 'home unknown';
  // A configured base replaces only what the shim would otherwise guess (the working directory).
  const guessed = config.pathBases.length > 0 ? config.pathBases : bothForms(serverCwd);
  const bases =
    config.pathBases.length > 0 || readable
      ? Object.freeze([...new Set([...roots, ...guessed, ...visible])])
      : undefined;
  return Object.freeze({
    principal,
    server: Object.freeze({
      id: config.serverId,
      command: Object.freeze([config.command, ...config.args]),
    }),
    environmentNames: Object.freeze([...new Set(childEnvNames)].sort()),
    roots: Object.freeze(roots),
    pathPointers: Object.freeze(config.pathPointers.map(checkPointer)),
    mode: config.mode,
    relativeBases: bases,
    ...(bases === undefined
      ? {
          relativeBasesUnknown: launch.readable
            ? 'a `~` directory argument, and the server’s home directory is not known'
            : launch.reason,
        }
      : {}),
    serverCwd,
    serverHome: home,
  });
}

/**
 * The child gets the HOME the shim received unless `--env-allow` leaves it out; then an
 * `--env-file` HOME (not read here: unknown) or, with none, the account's home from the OS.
 */
function serverHome(config: ShimConfig, childEnvNames: readonly string[]): string | undefined {
  const received = process.env.HOME;
  const passes =
    received !== undefined && (config.envAllow === undefined || config.envAllow.includes('HOME'));
  if (passes) return received;
  if (childEnvNames.includes('HOME')) return undefined;
  try {
    return os.userInfo().homedir;
  } catch {
    return undefined;
  }
}

function expandHome(raw: string, home: string | undefined): string | undefined {
  if (raw !== '~' && !raw.startsWith('~/')) return raw;
  return home === undefined ? undefined : path.join(home, raw.slice(1));
}

/**
 * Command words that name existing directories, as written and realpath'd: server-filesystem
 * tries the path as written first, so `..` in a relative path climbs from a symlink's parent.
 * Option values count too (`--dir=/x`): an extra base only makes the check stricter.
 */
function directoryArguments(
  words: readonly string[],
  home: string | undefined,
): string[] | 'home unknown' {
  const directories: string[] = [];
  for (const word of words) {
    const value = /^--?[^=]+=(.*)$/.exec(word)?.[1] ?? word;
    if (value === '' || value.includes('\0')) continue;
    const expanded = expandHome(value, home);
    // `~/dir` with the server's home unknown is a base we cannot see: all bases are unknown.
    if (expanded === undefined) return 'home unknown';
    directories.push(...bothForms(path.resolve(expanded)));
  }
  return directories;
}

/** An existing directory as written and realpath'd; nothing when it is not one. */
function bothForms(directory: string | undefined): string[] {
  if (directory === undefined) return [];
  try {
    const real = realpathSync.native(directory);
    if (!statSync(real).isDirectory()) return [];
    return real === directory ? [real] : [directory, real];
  } catch {
    // Not a directory on this machine: not a place the server can read relative paths against.
    return [];
  }
}

function realRoot(rawRoot: string): string {
  const expanded = expandHome(rawRoot, os.homedir()) ?? rawRoot;
  let real: string | undefined;
  try {
    real = realpathSync.native(path.resolve(expanded));
  } catch {
    real = undefined;
  }
  if (real === undefined || !statSync(real).isDirectory()) {
    throw new Error(
      `Expected \`--root\` to be an existing directory, got \`${rawRoot}\`. Create it or fix the path.`,
    );
  }
  return real;
}

function checkPointer(rawPointer: string): string {
  if (parsePointer(rawPointer) === undefined || rawPointer === '') {
    throw new Error(
      `Expected \`--path-pointer\` to be a JSON pointer into tool arguments such as \`/file\`, got \`${rawPointer}\`.`,
    );
  }
  return rawPointer;
}
