import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { OPA_DIR, REPO, SHIM } from '../helpers/shim-process.js';

const execFileAsync = promisify(execFile);

/** Runs the built CLI (`node dist/cli/main.js <args>`) from the repo root and parses its JSON output. */
export async function runShimJson(args: readonly string[]): Promise<unknown> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [SHIM, ...args], {
      cwd: REPO,
      env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` },
    });
    return JSON.parse(stdout);
  } catch (thrown) {
    const failure = thrown as { stderr?: string; message?: string };
    throw new Error(
      `mcp-opa-shim ${args.join(' ')} failed: ${failure.stderr ?? failure.message ?? String(thrown)}`,
      { cause: thrown },
    );
  }
}
