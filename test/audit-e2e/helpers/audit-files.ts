import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OPA_DIR, REPO, SHIM } from '../../helpers/shim-process.js';

/** An audit record as read back from the file: every kind, loosely typed for assertions. */
export type LoggedRecord = Record<string, unknown> & {
  readonly type: 'start' | 'decision' | 'fault' | 'pin' | 'end';
  readonly seq: number;
};

export interface LoggedInput {
  readonly direction: string;
  readonly message: { readonly kind: string; readonly method: string; readonly id?: unknown };
  readonly operation: { readonly type: string; readonly name?: string; readonly listing: boolean };
  readonly arguments: Record<string, unknown>;
  readonly environment: { readonly names: readonly string[] };
  readonly principal: { readonly id: string };
  readonly paths: readonly { readonly raw: string; readonly within_roots: boolean }[];
}

export type LoggedDecision = LoggedRecord & {
  readonly type: 'decision';
  readonly decision_id: string;
  readonly action: string;
  readonly input: LoggedInput | null;
  readonly result: { readonly allow: boolean; readonly reasons?: readonly string[] } | null;
};

/** A fresh directory under the OS temp dir, symlinks resolved (macOS /tmp is a link). */
export function tempDir(prefix: string): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function readLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').slice(0, -1);
}

export function readLog(file: string): LoggedRecord[] {
  return readLines(file).map((line) => JSON.parse(line) as LoggedRecord);
}

export function decisionsOf(records: readonly LoggedRecord[]): LoggedDecision[] {
  return records.filter((r): r is LoggedDecision => r.type === 'decision');
}

/** The judged method of a decision record ("tools/call echo", "initialize"…), for compact asserts. */
export function describeDecision(record: LoggedDecision): string {
  const input = record.input;
  if (input === null) return '(erased)';
  const name = input.operation.name;
  return input.message.method === 'tools/call' && name !== undefined
    ? `tools/call ${name}`
    : input.message.method;
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI to completion (the offline `audit` commands). */
export function runCli(args: readonly string[], cwd = REPO): CliRun {
  const run = spawnSync(process.execPath, [SHIM, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${OPA_DIR}:${process.env['PATH'] ?? ''}` },
    timeout: 60_000,
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Compiles the Rego files of `dir` (and its .manifest) into an OPA Wasm bundle with the pinned opa. */
export function buildBundle(dir: string, entrypoints: readonly string[]): string {
  const bundle = join(tempDir('audit-e2e-bundle-'), 'bundle.tar.gz');
  execFileSync(join(OPA_DIR, 'opa'), [
    'build',
    '-t',
    'wasm',
    ...entrypoints.flatMap((e) => ['-e', e]),
    '-b',
    dir,
    '-o',
    bundle,
  ]);
  return bundle;
}
