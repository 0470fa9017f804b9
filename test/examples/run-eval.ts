import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OPA_DIR, REPO, SHIM } from '../helpers/shim-process.js';

const execFileAsync = promisify(execFile);

/** Runs the built CLI (`node dist/cli/main.js <args>`) from the repo root and parses its JSON output (a deny's exit 1 included). */
export async function runShimJson(args: readonly string[]): Promise<unknown> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [SHIM, ...args], {
      cwd: REPO,
      env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` },
    });
    return JSON.parse(stdout);
  } catch (thrown) {
    const failure = thrown as {
      code?: unknown;
      stdout?: string;
      stderr?: string;
      message?: string;
    };
    // `eval` exits 1 on a deny (the decision is still printed); only a deny may exit 1.
    if (failure.code === 1 && args[0] === 'eval' && failure.stdout !== undefined) {
      const decision = JSON.parse(failure.stdout) as { allow?: unknown };
      if (decision.allow === false) return decision;
    }
    throw new Error(
      `mcp-opa-shim ${args.join(' ')} failed: ${failure.stderr ?? failure.message ?? String(thrown)}`,
      { cause: thrown },
    );
  }
}
