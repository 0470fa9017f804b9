import { spawnSync } from 'node:child_process';
import { BIN, OPA_DIR, REPO } from '../../helpers/shim-process.js';
import { withoutRootPowers } from '../../helpers/without-root-powers.js';

export const MEMORY_SERVER = `${REPO}node_modules/@modelcontextprotocol/server-memory/dist/index.js`;
export const FILESYSTEM_SERVER = `${REPO}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js`;
export const EVERYTHING_SERVER = `${REPO}node_modules/@modelcontextprotocol/server-everything/dist/index.js`;

export interface Check {
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'skip';
  summary: string;
  fix?: string;
  entry?: string;
  details?: Record<string, unknown>;
}

export interface DoctorRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI's `doctor` (the package bin), with the pinned `opa` on PATH unless `env` says otherwise. */
export function runDoctor(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; fileModes?: boolean } = {},
): DoctorRun {
  const line: [string, readonly string[]] = [process.execPath, [BIN, 'doctor', ...args]];
  const [command, commandArgs] = options.fileModes === true ? withoutRootPowers(...line) : line;
  const run = spawnSync(command, commandArgs, {
    cwd: options.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}`, ...options.env },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `doctor --json …`: the parsed report. */
export function runDoctorJson(
  args: readonly string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; fileModes?: boolean } = {},
): DoctorRun & { report: { ok: boolean; subject: string; checks: Check[] } } {
  const run = runDoctor(['--json', ...args], options);
  return {
    ...run,
    report: JSON.parse(run.stdout) as { ok: boolean; subject: string; checks: Check[] },
  };
}

export function checkOf(checks: readonly Check[], id: string): Check {
  const found = checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no \`${id}\` check in ${JSON.stringify(checks)}`);
  return found;
}
