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
}

/** Throws, naming the option, when a root does not exist or a pointer is malformed. */
export function createInputContext(config: ShimConfig, childEnvNames: readonly string[]): InputContext {
  const principal = Object.freeze({
    id: config.principal.id,
    roles: Object.freeze([...config.principal.roles]),
    attributes: Object.freeze({ ...config.principal.attributes }),
  });
  return Object.freeze({
    principal,
    server: Object.freeze({ id: config.serverId, command: Object.freeze([config.command, ...config.args]) }),
    environmentNames: Object.freeze([...new Set(childEnvNames)].sort()),
    roots: Object.freeze([...new Set(config.roots.map(realRoot))]),
    pathPointers: Object.freeze(config.pathPointers.map(checkPointer)),
    mode: config.mode,
  });
}

function realRoot(rawRoot: string): string {
  const expanded = rawRoot === '~' || rawRoot.startsWith('~/') ? path.join(os.homedir(), rawRoot.slice(1)) : rawRoot;
  let real: string | undefined;
  try {
    real = realpathSync.native(path.resolve(expanded));
  } catch {
    real = undefined;
  }
  if (real === undefined || !statSync(real).isDirectory()) {
    throw new Error(`Expected \`--root\` to be an existing directory, got \`${rawRoot}\`. Create it or fix the path.`);
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
