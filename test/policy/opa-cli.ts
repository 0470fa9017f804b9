import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpaOnPath } from '../../src/policy/find-opa.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const POLICY_FILES = [
  join(REPO_ROOT, 'policy.rego'),
  join(REPO_ROOT, 'src', 'policy', 'system-log.rego'),
];

/** The pinned OPA from scripts/install-opa.sh's cache, else the one on PATH. Tests that need it fail without it. */
export function opaPath(): string {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const cached = join(cacheRoot, 'mcp-opa-shim', 'opa-v1.22.2', 'opa');
  const found = existsSync(cached) ? cached : findOpaOnPath();
  if (found === undefined)
    throw new Error(
      `These tests need the opa CLI: run \`bash scripts/install-opa.sh\` (expected ${cached}) or put opa on PATH.`,
    );
  return found;
}

/** PATH with the test OPA's directory first, for code that looks `opa` up on PATH. */
export function pathWithOpa(): string {
  return [dirname(opaPath()), process.env.PATH ?? ''].join(delimiter);
}

export function opa(
  args: readonly string[],
  options: { cwd?: string; input?: string } = {},
): string {
  return execFileSync(opaPath(), args, {
    cwd: options.cwd ?? REPO_ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** `opa build -t wasm` of Rego files into `outDir/bundle.tar.gz`; returns the bundle path. */
export function opaBuild(
  files: readonly string[],
  entrypoints: readonly string[],
  outDir: string,
  extra: readonly string[] = [],
): string {
  const out = join(outDir, 'bundle.tar.gz');
  opa([
    'build',
    '-t',
    'wasm',
    ...entrypoints.flatMap((e) => ['-e', e]),
    '-o',
    out,
    ...extra,
    ...files,
  ]);
  return out;
}
