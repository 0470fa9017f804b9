import { delimiter } from 'node:path';
import { allowAllPolicy, assertShimBuilt, opaDir, shimMain } from './paths.js';

/** How the client reaches the server: straight, or through the shim. */
export type Route = 'direct' | 'shim';

export const routes: readonly Route[] = ['direct', 'shim'];

export interface ServerCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface LaunchSpec {
  readonly command: string;
  readonly args: string[];
  readonly env: Record<string, string>;
}

export interface ShimOptions {
  readonly policy?: string;
  readonly extraArgs?: readonly string[];
}

/** A node script as a server command, run with the same node as the tests. */
export function nodeServer(script: string, ...args: string[]): ServerCommand {
  return { command: process.execPath, args: [script, ...args] };
}

/**
 * One environment for both routes, so that anything the server can observe
 * about its environment (server-everything's `get-env`) must match too. No
 * variable here has a secret-looking name, which the shim would scrub.
 */
export function testEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['HOME', 'LOGNAME', 'SHELL', 'TERM', 'USER', 'LANG', 'TZ', 'XDG_STATE_HOME']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env['PATH'] = [opaDir, process.env['PATH'] ?? ''].join(delimiter);
  env['E2E_MARKER'] = 'passed-through';
  return env;
}

export function shimArgs(server: ServerCommand, options: ShimOptions = {}): string[] {
  return [
    shimMain,
    '--policy',
    options.policy ?? allowAllPolicy,
    ...(options.extraArgs ?? []),
    '--',
    server.command,
    ...server.args,
  ];
}

/** The command line a client launches for `route`. */
export function launchSpec(
  route: Route,
  server: ServerCommand,
  options: ShimOptions = {},
): LaunchSpec {
  if (route === 'direct')
    return { command: server.command, args: [...server.args], env: testEnv() };
  assertShimBuilt();
  return { command: process.execPath, args: shimArgs(server, options), env: testEnv() };
}
