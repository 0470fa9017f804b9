import { realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ShimConfig } from '../config/config.js';
import { parsePointer } from './json-pointer.js';
import type { PolicyInput } from './policy-input.js';

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
   * Directories a relative path argument may be read against: the roots, then
   * every directory named on the server's command line (server-filesystem reads
   * relative paths against its own allowed directories, which may be wider).
   */
  readonly relativeBases?: readonly string[];
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
    relativeBases: Object.freeze([...new Set([...roots, ...directoryArguments(config.args)])]),
  });
}

function expandHome(raw: string): string {
  return raw === '~' || raw.startsWith('~/') ? path.join(os.homedir(), raw.slice(1)) : raw;
}

/** Command arguments that name existing directories, realpath'd (as server-filesystem treats them). */
function directoryArguments(args: readonly string[]): string[] {
  const directories: string[] = [];
  for (const arg of args) {
    if (arg === '' || arg.includes('\0') || arg.startsWith('-')) continue;
    try {
      const real = realpathSync.native(path.resolve(expandHome(arg)));
      if (statSync(real).isDirectory()) directories.push(real);
    } catch {
      // Not a directory on this machine: not a place the server can read relative paths against.
    }
  }
  return directories;
}

function realRoot(rawRoot: string): string {
  const expanded = expandHome(rawRoot);
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
