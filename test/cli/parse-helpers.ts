import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ShimConfig } from '../../src/config/config.js';
import {
  parseCommandLine,
  type ParseContext,
  type ParsedCommand,
} from '../../src/cli/parse-command-line.js';
import { UsageError } from '../../src/config/usage-error.js';

export type Env = Record<string, string | undefined>;

/** A scratch directory with one file of every kind the options accept. */
export interface Workspace {
  readonly dir: string;
  readonly home: string;
  readonly context: ParseContext;
  file(name: string, content?: string): string;
}

export function makeWorkspace(): Workspace {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mcp-opa-shim-parse-')));
  const home = join(dir, 'home');
  mkdirSync(join(home, 'projects'), { recursive: true });
  mkdirSync(join(dir, 'root'));
  mkdirSync(join(dir, 'logs'));
  symlinkSync(join(dir, 'root'), join(dir, 'root-link'));
  const file = (name: string, content = ''): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  for (const name of ['policy.wasm', 'bundle.tar.gz', 'bundle.tgz', 'policy.rego', 'policy.txt'])
    file(name);
  file('data.json', '{}');
  file('data.yaml', 'a: 1\n');
  file('extra.yml', 'b: 2\n');
  file('input.json', '{}');
  file('one.env', 'API_TOKEN=first\nSHARED=one\n');
  file('two.env', 'SHARED=two\n');
  return { dir, home, file, context: { cwd: dir, homeDir: home, osUsername: () => 'os-user' } };
}

export function parse(workspace: Workspace, argv: readonly string[], env: Env = {}): ParsedCommand {
  return parseCommandLine(argv, env, workspace.context);
}

/** Parses `[...options, '--', 'node', 'server.js']` and returns the run config. */
export function runConfig(
  workspace: Workspace,
  options: readonly string[],
  env: Env = {},
): ShimConfig {
  const parsed = parse(workspace, [...options, '--', 'node', 'server.js'], env);
  if (parsed.kind !== 'run') throw new Error(`expected a run command, got ${parsed.kind}`);
  return parsed.config;
}

/** The message of the UsageError that parsing must throw. */
export function usageError(workspace: Workspace, argv: readonly string[], env: Env = {}): string {
  try {
    parse(workspace, argv, env);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected a UsageError for ${JSON.stringify(argv)}`);
}

/** Same as usageError, with the server command appended. */
export function optionError(
  workspace: Workspace,
  options: readonly string[],
  env: Env = {},
): string {
  return usageError(workspace, [...options, '--', 'node', 'server.js'], env);
}
