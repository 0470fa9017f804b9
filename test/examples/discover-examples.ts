import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO } from '../helpers/shim-process.js';

export const EXAMPLES_DIR = join(REPO, 'examples');

/** One `input-<case>.json` of an example and the decision it must produce. */
export interface ExampleCase {
  readonly name: string;
  readonly input: string;
  readonly expected: string | undefined;
}

/** One `examples/<scenario>/` directory, with paths relative to the repo root. */
export interface Example {
  readonly name: string;
  readonly dir: string;
  readonly readme: string | undefined;
  readonly data: string[];
  readonly policy: string | undefined;
  /** `rules*.rego`: passed with `--rules`, compiled with the default policy. */
  readonly rules: string[];
  readonly cases: ExampleCase[];
  /** `expected-<case>.json` files without an input: a stale leftover. */
  readonly orphanExpected: string[];
}

const DATA_FILE = /^data[\w-]*\.(json|ya?ml)$/;
const RULES_FILE = /^rules[\w-]*\.rego$/;
const INPUT_FILE = /^input(-[\w-]+)?\.json$/;
const EXPECTED_FILE = /^expected(-[\w-]+)?\.json$/;

function repoPath(path: string): string {
  return relative(REPO, path);
}

function readExample(name: string): Example {
  const dir = join(EXAMPLES_DIR, name);
  const files = readdirSync(dir).sort();
  const inputs = files.filter((file) => INPUT_FILE.test(file));
  const expecteds = files.filter((file) => EXPECTED_FILE.test(file));
  const expectedFor = (input: string): string => input.replace(/^input/, 'expected');
  const cases = inputs.map((input) => {
    const expected = expectedFor(input);
    return {
      name: input.replace(/^input-?/, '').replace(/\.json$/, '') || 'default',
      input: repoPath(join(dir, input)),
      expected: files.includes(expected) ? repoPath(join(dir, expected)) : undefined,
    };
  });
  const inputsByExpected = new Set(inputs.map(expectedFor));
  return {
    name,
    dir: repoPath(dir),
    readme: files.includes('README.md') ? repoPath(join(dir, 'README.md')) : undefined,
    data: files.filter((file) => DATA_FILE.test(file)).map((file) => repoPath(join(dir, file))),
    policy: files.includes('policy.rego') ? repoPath(join(dir, 'policy.rego')) : undefined,
    rules: files.filter((file) => RULES_FILE.test(file)).map((file) => repoPath(join(dir, file))),
    cases,
    orphanExpected: expecteds.filter((file) => !inputsByExpected.has(file)),
  };
}

/** Every directory under examples/ (a file there is not an example and is ignored). */
export function discoverExamples(): Example[] {
  if (!existsSync(EXAMPLES_DIR)) return [];
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => readExample(entry.name))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(join(REPO, path), 'utf8'));
}
