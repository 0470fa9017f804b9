import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { findOpaOnPath } from './find-opa.js';
import { PolicyLoadError } from './policy-load-error.js';
import { readTarGz } from './read-tar.js';
import { DROP_ENTRYPOINT, MASK_ENTRYPOINT } from '../core/decision.js';

const run = promisify(execFile);

/** Compiles a `.rego` file to Wasm with the `opa` on PATH. Log entrypoints are kept when the file defines them. */
export function compileRego(regoPath: string, entrypoint: string): Promise<Uint8Array> {
  return compileRegoFiles([regoPath], entrypoint, `--policy ${regoPath}`);
}

/**
 * Compiles Rego files together (`what` names them in errors, e.g. `--rules a.rego`). Paths are
 * passed relative to the first file's directory: opa puts them in error locations.
 */
export async function compileRegoFiles(
  regoPaths: readonly string[],
  entrypoint: string,
  what: string,
): Promise<Uint8Array> {
  const regoPath = regoPaths[0] ?? '';
  const opa = findOpaOnPath();
  if (opa === undefined) {
    throw new PolicyLoadError(
      `\`${what}\` is Rego, which needs the \`opa\` CLI to compile, and there is no \`opa\` on PATH. ` +
        'Install OPA (https://www.openpolicyagent.org/docs/latest/#running-opa, or `bash scripts/install-opa.sh` in this repository) ' +
        (what.startsWith('--rules')
          ? 'and put it on PATH: `--rules` is compiled with the default policy at every start and reload.'
          : `and put it on PATH, or pass a compiled policy: \`opa build -t wasm -e ${entrypoint} ${basename(regoPath)}\` gives a bundle.tar.gz.`),
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-rego-'));
  try {
    let entrypoints = [entrypoint, MASK_ENTRYPOINT, DROP_ENTRYPOINT].filter(
      (e, i, all) => all.indexOf(e) === i,
    );
    for (;;) {
      const bundle = join(dir, 'bundle.tar.gz');
      const args = [
        'build',
        '-t',
        'wasm',
        ...entrypoints.flatMap((e) => ['-e', e]),
        '-o',
        bundle,
        ...regoPaths.map((path) => relative(dirname(regoPath), path) || basename(path)),
      ];
      try {
        await run(opa, args, { cwd: dirname(regoPath), maxBuffer: 16 * 1024 * 1024 });
      } catch (thrown) {
        // opa reports build errors on stdout.
        const { stdout, stderr } = thrown as { stdout?: string; stderr?: string };
        const output =
          [stdout, stderr].filter((text) => text !== undefined && text.trim() !== '').join('\n') ||
          String(thrown);
        // Optional log entrypoints the file does not define are dropped; anything else is fatal.
        const undefinedOptional = entrypoints.filter(
          (e) => e !== entrypoint && output.includes(`entrypoint "${e}" does not refer`),
        );
        if (undefinedOptional.length > 0) {
          entrypoints = entrypoints.filter((e) => !undefinedOptional.includes(e));
          continue;
        }
        throw new PolicyLoadError(`Cannot compile \`${what}\` with ${opa}: ${output.trim()}`);
      }
      const wasm = readTarGz(await readFile(bundle)).get('/policy.wasm');
      if (wasm === undefined)
        throw new PolicyLoadError(`\`opa build\` produced no /policy.wasm for \`${what}\`.`);
      return wasm;
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
