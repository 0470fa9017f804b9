/**
 * The four ways a client can reach the fixture server, compared in every scenario:
 * directly, through a plain byte relay (one extra process hop), through the shim,
 * and through the shim writing an audit log to a file.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, URL } from 'node:url';
import process from 'node:process';
import { peerPaths } from './peers.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** `BENCH_SHIM_MAIN` points the harness at another build, e.g. a candidate fix in a scratch copy. */
export const SHIM_MAIN =
  process.env.BENCH_SHIM_MAIN ?? join(ROOT, 'dist', 'bin', 'mcp-opa-shim.mjs');
export const PLAIN_RELAY = join(ROOT, 'bench', 'plain-relay.mjs');
const SHARED_ECHO = join(ROOT, 'test', 'fixtures', 'echo-server.mjs');
const BENCH_ECHO = join(ROOT, 'bench', 'fixtures', 'echo-server.mjs');

/**
 * `BENCH_BASE_SHIM_MAIN` adds a second build (e.g. the commit a change started from) as two more
 * paths, `base-shim` and `base-shim-audit`, run in the same scenarios and taking turns with the
 * others: a before/after comparison under the same machine load.
 */
export const BASE_SHIM_MAIN = process.env.BENCH_BASE_SHIM_MAIN;

export const PATH_IDS = [
  'direct',
  'relay',
  'shim',
  'shim-audit',
  ...(BASE_SHIM_MAIN === undefined ? [] : ['base-shim', 'base-shim-audit']),
];
export const PATH_LABELS = {
  direct: 'direct',
  relay: 'plain relay',
  shim: 'shim (default policy)',
  'shim-audit': 'shim + audit log file',
  'base-shim': 'base build: shim (default policy)',
  'base-shim-audit': 'base build: shim + audit log file',
};

export function shimBuilt() {
  return existsSync(SHIM_MAIN);
}

/**
 * The bench fixture: it has the modes the scenarios need (a tool list of N tools,
 * notification bursts, one huge result) which the shared test fixture need not have.
 */
export function echoServer(args = []) {
  return { command: process.execPath, args: [BENCH_ECHO, ...args] };
}

export function sharedEchoServerExists() {
  return existsSync(SHARED_ECHO);
}

/**
 * @param {{ command: string, args: string[] }} server
 * @param {{ auditFile: string, include?: string[], shimOptions?: string[], env?: Record<string, string>, peers?: string }} options
 *   `shimOptions` go to both shim paths; `env` is added to every path's environment; `peers`, a
 *   working directory, adds the installed peers (bench/lib/peers.mjs) after the shim paths.
 */
export function buildPaths(
  server,
  { auditFile, include = PATH_IDS, shimOptions = [], env, peers },
) {
  const shimArgs = [SHIM_MAIN, '--log-level', 'silent', ...shimOptions];
  const baseArgs = [BASE_SHIM_MAIN ?? SHIM_MAIN, '--log-level', 'silent', ...shimOptions];
  const all = {
    direct: [server.command, ...server.args],
    relay: [process.execPath, PLAIN_RELAY, '--', server.command, ...server.args],
    shim: [process.execPath, ...shimArgs, '--', server.command, ...server.args],
    'shim-audit': [
      process.execPath,
      ...shimArgs,
      '--audit-log',
      auditFile,
      '--',
      server.command,
      ...server.args,
    ],
    'base-shim': [process.execPath, ...baseArgs, '--', server.command, ...server.args],
    'base-shim-audit': [
      process.execPath,
      ...baseArgs,
      '--audit-log',
      `${auditFile}.base`,
      '--',
      server.command,
      ...server.args,
    ],
  };
  const available = shimBuilt() ? PATH_IDS : PATH_IDS.filter((id) => !id.includes('shim'));
  const extra = peers === undefined ? [] : peerPaths(server, peers);
  return available
    .filter((id) => include.includes(id))
    .map((id) => {
      const [command, ...args] = all[id];
      return {
        id,
        label: PATH_LABELS[id],
        command,
        args,
        relayed: id !== 'direct',
        ...(env === undefined ? {} : { env }),
      };
    })
    .concat(extra);
}

/** The command line as a reader would type it from the repository root. */
export function describeCommand(path) {
  return [path.command, ...path.args]
    .map((part) => (part === process.execPath ? 'node' : part))
    .map((part) => (part.startsWith(ROOT) ? relative(ROOT, part) : part))
    .map((part) => (part.startsWith('/') ? part.replace(/^\/tmp\/[^/]+\//, '$TMP/') : part))
    .join(' ');
}
