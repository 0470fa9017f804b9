import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The OPA version scripts/install-opa.sh installs (keep the two in step). */
export const PINNED_OPA_VERSION = 'v1.22.2';

/** The `opa` executable on PATH, or undefined. */
export function findOpaOnPath(pathVariable = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVariable.split(delimiter)) {
    if (dir === '') continue;
    const found = executableIn(dir);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Where scripts/install-opa.sh installs the pinned `opa`:
 * `${XDG_CACHE_HOME:-$HOME/.cache}/mcp-opa-shim/opa-<version>`.
 */
export function opaCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot =
    env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== ''
      ? env.XDG_CACHE_HOME
      : join(env.HOME ?? homedir(), '.cache');
  return join(cacheRoot, 'mcp-opa-shim', `opa-${PINNED_OPA_VERSION}`);
}

/** The `opa` on PATH, else the one in the install cache (opaCacheDir), else undefined. */
export function findOpa(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findOpaOnPath(env.PATH ?? '') ?? executableIn(opaCacheDir(env));
}

/**
 * One line saying how to get `opa` where findOpa looks: `for` says what needs it
 * (e.g. "`mcp-opa-shim build`").
 */
export function opaMissingText(needs: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = opaCacheDir(env);
  return (
    `${needs} needs the \`opa\` CLI, and there is none on PATH or in ${dir}. ` +
    `Install it there with \`GOBIN=${dir} go install github.com/open-policy-agent/opa@${PINNED_OPA_VERSION}\` ` +
    `(or put an opa ${PINNED_OPA_VERSION} binary from https://github.com/open-policy-agent/opa/releases on PATH).`
  );
}

function executableIn(dir: string): string | undefined {
  const names = process.platform === 'win32' ? ['opa.exe', 'opa'] : ['opa'];
  for (const name of names) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}
