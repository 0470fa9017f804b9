import { relative, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { buildBundle } from '../policy/build-bundle.js';
import { readPolicyDir } from '../policy/policy-dir.js';
import { PolicyLoadError } from '../policy/policy-load-error.js';
import { CONFIG_EXIT_CODE, USAGE_EXIT_CODE } from '../config/usage-error.js';

export const BUILD_USAGE = `mcp-opa-shim build: compile a policy project into an OPA bundle for --policy.

Usage:
  mcp-opa-shim build [dir] [-o <bundle.tar.gz>]

  dir                 the project (default: the current directory): its .rego rules (package
                      mcp.user; *_test.rego files are left out) and data.yaml/data.yml/data.json
  -o, --output <file> where to write the bundle (default: bundle.tar.gz)

Compiles the rules together with the shipped default policy (its built-in protections stay in
force) with \`opa build -t wasm\` (the opa on PATH, or the one scripts/install-opa.sh installed),
checks the data against the default schema, and writes a bundle with /policy.wasm, /data.json
and a .manifest with a revision. The bundle is loaded as the shim would load it before it is
kept. Then: mcp-opa-shim --policy bundle.tar.gz -- <server command>

Exit status: 0 written; 2 bad usage; 78 the rules or data do not build.
`;

export interface BuildIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** `mcp-opa-shim build [dir] [-o out]`. */
export async function runBuild(argv: readonly string[], io: BuildIo): Promise<number> {
  const fail = (code: number, message: string): number => {
    io.stderr.write(`mcp-opa-shim build: ${message}\n`);
    return code;
  };
  let values: { output?: string | undefined; help?: boolean | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    }));
  } catch (thrown) {
    return fail(
      USAGE_EXIT_CODE,
      `${(thrown as Error).message}. Run \`mcp-opa-shim build --help\`.`,
    );
  }
  if (values.help === true) {
    io.stdout.write(BUILD_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    return fail(
      USAGE_EXIT_CODE,
      `Expected at most one project folder, got ${positionals.map((p) => `\`${p}\``).join(', ')}. Write \`mcp-opa-shim build <dir> -o bundle.tar.gz\`.`,
    );
  }
  const rawOutput = values.output ?? 'bundle.tar.gz';
  if (!rawOutput.endsWith('.tar.gz')) {
    return fail(
      USAGE_EXIT_CODE,
      `Expected \`--output\` to end in .tar.gz (the shim loads a bundle by that name), got \`${rawOutput}\`. Write \`-o ${rawOutput.replace(/(\.tgz|\.tar)?$/, '')}.tar.gz\`.`,
    );
  }
  try {
    const policyDir = await readPolicyDir(positionals[0] ?? '.', 'mcp-opa-shim build');
    const built = await buildBundle(policyDir, resolve(rawOutput));
    const shown = relative(process.cwd(), built.path) || built.path;
    io.stdout.write(
      `Wrote ${shown} (${String(built.bytes)} bytes, revision ${built.revision}): the default policy with ${policyDir.rules.length} rules file(s)` +
        `${policyDir.dataFiles.length > 0 ? ' and its data' : ''}.\n` +
        `Run it: mcp-opa-shim --policy ${shown} -- <server command>\n`,
    );
    return 0;
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) return fail(CONFIG_EXIT_CODE, thrown.message);
    throw thrown;
  }
}
