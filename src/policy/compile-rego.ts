import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { findOpa, opaMissingText } from './find-opa.js';
import { PolicyLoadError } from './policy-load-error.js';
import { readTarGz } from './read-tar.js';
import { DROP_ENTRYPOINT, MASK_ENTRYPOINT } from '../core/decision.js';
import { markPrintLocations, mayPrint } from './policy-print.js';

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
  const opa = findOpa();
  if (opa === undefined) {
    throw new PolicyLoadError(
      opaMissingText(`\`${what}\` is Rego, which`) +
        (what.startsWith('--rules')
          ? ' `--rules` is compiled with the default policy at every start and reload.'
          : ` Or pass a compiled policy: \`opa build -t wasm -e ${entrypoint} ${basename(regoPath)}\` gives a bundle.tar.gz.`),
    );
  }
  const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-rego-'));
  try {
    let entrypoints = [entrypoint, MASK_ENTRYPOINT, DROP_ENTRYPOINT].filter(
      (e, i, all) => all.indexOf(e) === i,
    );
    const base = dirname(regoPath);
    const shown = regoPaths.map((path) => relative(base, path) || basename(path));
    const { files, restore } = await markPrints(opa, regoPaths, shown, join(dir, 'marked'));
    for (;;) {
      const bundle = join(dir, 'bundle.tar.gz');
      const args = [
        'build',
        '-t',
        'wasm',
        '--wasm-include-print',
        ...entrypoints.flatMap((e) => ['-e', e]),
        '-o',
        bundle,
        ...files,
      ];
      try {
        await run(opa, args, { cwd: base, maxBuffer: 16 * 1024 * 1024 });
      } catch (thrown) {
        // opa reports build errors on stdout.
        const { stdout, stderr } = thrown as { stdout?: string; stderr?: string };
        const output = restore(
          [stdout, stderr].filter((text) => text !== undefined && text.trim() !== '').join('\n') ||
            String(thrown),
        );
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

/**
 * The files to compile: each one that calls print() is replaced by a copy in `dir` whose calls
 * carry their location (policy-print.ts). `restore` maps the copies' paths in opa's messages
 * back to the names the user knows.
 */
async function markPrints(
  opa: string,
  paths: readonly string[],
  shown: readonly string[],
  dir: string,
): Promise<{ files: string[]; restore: (text: string) => string }> {
  const copies = new Map<string, string>();
  const files = await Promise.all(
    paths.map(async (path, i) => {
      const name = shown[i] ?? basename(path);
      const text = await readFile(path, 'utf8');
      if (!mayPrint(text)) return name;
      let marked: string;
      try {
        marked = await markPrintLocations(opa, path, text, name);
      } catch {
        // It does not parse: compile it unmarked, so that opa reports the error in the user's file.
        return name;
      }
      const copy = join(dir, String(i), basename(path));
      await mkdir(dirname(copy), { recursive: true });
      await writeFile(copy, marked);
      copies.set(copy, name);
      return copy;
    }),
  );
  return {
    files,
    restore: (text) => {
      let restored = text;
      for (const [copy, name] of copies) restored = restored.split(copy).join(name);
      return restored;
    },
  };
}
