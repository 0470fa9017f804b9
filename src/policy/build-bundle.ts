import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_ENTRYPOINT } from '../config/config.js';
import { findOpa, opaMissingText } from './find-opa.js';
import { loadData } from './load-data.js';
import { loadEngine } from './load-engine.js';
import { sha256Hex } from './policy-source.js';
import { checkPackage } from './load-rules.js';
import { DROP_ENTRYPOINT, MASK_ENTRYPOINT } from '../core/decision.js';
import { defaultRegoPaths, projectDataSchema, type PolicyDir } from './policy-dir.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';
import { markPrintLocations, mayPrint } from './policy-print.js';
import { MANIFEST_KEY } from './read-bundle.js';
import { validateData } from './validate-data.js';

const run = promisify(execFile);

export interface BuiltBundle {
  readonly path: string;
  readonly revision: string;
  readonly bytes: number;
}

/**
 * `mcp-opa-shim build`: the folder's rules with the shipped default policy, and its data, into
 * an OPA bundle built by `opa build -b -t wasm` (the shim's three entrypoints, `.manifest` with
 * a revision, `/data.json`). The manifest's metadata carries the data schema (`opa
 * build` packs no other JSON file) and marks the default policy as included. The result is
 * loaded as `--policy` would load it (schema check and start-up probe) before it is kept.
 */
export async function buildBundle(policyDir: PolicyDir, out: string): Promise<BuiltBundle> {
  const opa = findOpa();
  if (opa === undefined) throw new PolicyLoadError(opaMissingText('`mcp-opa-shim build`'));
  const texts = await Promise.all(policyDir.rules.map((path) => readFile(path, 'utf8')));
  for (const [i, text] of texts.entries()) checkPackage(policyDir.rules[i] ?? '', text);
  const { schema, name } = await projectDataSchema(policyDir);
  const data = await loadData(policyDir.dataFiles, (value, what) => {
    validateData(value, what, schema, name);
  });
  const defaults = defaultRegoPaths();
  const defaultTexts = await Promise.all(defaults.map((path) => readFile(path, 'utf8')));
  const dataJson = JSON.stringify(data);
  const digest = sha256Hex(
    new TextEncoder().encode([...defaultTexts, ...texts, dataJson].join('\0')),
  );
  const revision = `sha256:${digest.slice(0, 16)}`;

  const work = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-build-'));
  try {
    // Rules keep their own names at the root, so opa's messages name the user's files.
    for (const [i, path] of policyDir.rules.entries()) {
      const text = texts[i] ?? '';
      const name = basename(path);
      const marked = mayPrint(text) ? await markOrKeep(opa, path, text, name) : text;
      await writeFile(join(work, name), marked);
    }
    await mkdir(join(work, 'mcp-opa-shim'));
    for (const path of defaults) await copyFile(path, join(work, 'mcp-opa-shim', basename(path)));
    await writeFile(join(work, 'data.json'), dataJson);
    const metadata = {
      [MANIFEST_KEY]: {
        default_policy: true,
        rules: policyDir.rules.map((path) => basename(path)),
        data_schema: schema,
      },
    };
    await writeFile(join(work, '.manifest'), JSON.stringify({ metadata }));
    const args = [
      'build',
      '-b',
      '.',
      '-t',
      'wasm',
      '--wasm-include-print',
      ...[DEFAULT_ENTRYPOINT, MASK_ENTRYPOINT, DROP_ENTRYPOINT].flatMap((e) => ['-e', e]),
      '--revision',
      revision,
      '-o',
      out,
    ];
    try {
      await run(opa, args, { cwd: work, maxBuffer: 16 * 1024 * 1024 });
    } catch (thrown) {
      const { stdout, stderr } = thrown as { stdout?: string; stderr?: string };
      const output =
        [stdout, stderr].filter((t) => t !== undefined && t.trim() !== '').join('\n') ||
        thrownText(thrown);
      throw new PolicyLoadError(`\`opa build\` failed for \`${policyDir.dir}\`: ${output.trim()}`);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }

  // The bundle as the shim loads it: a bundle that would not start is not left behind.
  try {
    const engine = await loadEngine({
      policy: { kind: 'bundle', path: out },
      dataFiles: [],
      entrypoint: DEFAULT_ENTRYPOINT,
      watch: false,
    });
    engine.close();
  } catch (thrown) {
    await rm(out, { force: true });
    throw thrown;
  }
  return { path: out, revision, bytes: (await stat(out)).size };
}

async function markOrKeep(opa: string, path: string, text: string, name: string): Promise<string> {
  try {
    return await markPrintLocations(opa, path, text, name);
  } catch {
    // It does not parse: `opa build` reports the error in the user's own file.
    return text;
  }
}
