import { constants } from 'node:fs';
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { USAGE_EXIT_CODE } from '../config/usage-error.js';

/**
 * The starter a new policy project begins from (templates/starter/ at the package root; src/cli/
 * and dist/bin/ are both two levels below it).
 */
export const STARTER_URL = new URL('../../templates/starter/', import.meta.url);

export const INIT_USAGE = `mcp-opa-shim init: write a starter policy project.

Usage:
  mcp-opa-shim init [dir]      (default: the current directory; created when missing)

Writes rules.rego (your rules, package mcp.user, with a commented example rule),
rules_test.rego (tests run with the shipped default policy), data.yaml (data that passes the
shipped schema), input.json (an example policy input) and README.md (the next steps). Refuses to
overwrite a file that exists.

Next: mcp-opa-shim test [dir]; mcp-opa-shim build [dir]; mcp-opa-shim --policy bundle.tar.gz -- <server>
`;

const EXIT_REFUSED = 1;

export interface InitIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** `mcp-opa-shim init [dir]`. */
export async function runInit(argv: readonly string[], io: InitIo): Promise<number> {
  const fail = (code: number, message: string): number => {
    io.stderr.write(`mcp-opa-shim init: ${message}\n`);
    return code;
  };
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (parsed.values.help === true) {
      io.stdout.write(INIT_USAGE);
      return 0;
    }
    positionals = parsed.positionals;
  } catch (thrown) {
    return fail(USAGE_EXIT_CODE, `${(thrown as Error).message}. Run \`mcp-opa-shim init --help\`.`);
  }
  if (positionals.length > 1) {
    return fail(
      USAGE_EXIT_CODE,
      `Expected at most one folder, got ${positionals.map((p) => `\`${p}\``).join(', ')}. Write \`mcp-opa-shim init <dir>\`.`,
    );
  }
  const rawDir = positionals[0] ?? '.';
  const dir = resolve(rawDir);
  const starter = fileURLToPath(STARTER_URL);
  const names = (await readdir(starter)).sort();

  const existing: string[] = [];
  for (const name of names) {
    if (await exists(join(dir, name))) existing.push(name);
  }
  if (existing.length > 0) {
    return fail(
      EXIT_REFUSED,
      `Refusing to overwrite ${existing.map((n) => `\`${join(rawDir, n)}\``).join(', ')}: \`init\` writes only new files. Pick an empty folder (\`mcp-opa-shim init my-policy\`) or move those files away.`,
    );
  }
  await mkdir(dir, { recursive: true });
  for (const name of names) {
    // COPYFILE_EXCL: a file that appeared since the check is still not overwritten.
    await copyFile(join(starter, name), join(dir, name), constants.COPYFILE_EXCL);
  }
  const shown = relative(process.cwd(), dir) || '.';
  io.stdout.write(
    [
      `Wrote ${names.map((n) => join(shown, n)).join(', ')}.`,
      'Next:',
      `  edit ${join(shown, 'rules.rego')} (and its tests in ${join(shown, 'rules_test.rego')})`,
      `  mcp-opa-shim test ${shown}`,
      `  mcp-opa-shim build ${shown} -o bundle.tar.gz`,
      '  mcp-opa-shim --policy bundle.tar.gz --root <dir> -- <server command>',
      '',
    ].join('\n'),
  );
  return 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
