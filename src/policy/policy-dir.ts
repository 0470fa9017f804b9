import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENTRYPOINT, type PolicyConfig } from '../config/config.js';
import { DEFAULT_REGO_URLS } from './load-rules.js';
import { isPlainObject } from './merge-data.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';
import { DEFAULT_DATA_SCHEMA } from './validate-data.js';

/**
 * A policy project as `mcp-opa-shim init` writes it: the `.rego` files directly in the folder
 * (rules in package mcp.user, tests ending in `_test.rego`) and `data.yaml`, `data.yml` or
 * `data.json` (merged in that order). Other files (input.json, README.md) are not read.
 */
export interface PolicyDir {
  readonly dir: string;
  /** Rules files (absolute paths), compiled with the default policy. */
  readonly rules: readonly string[];
  /** `*_test.rego` files, for `opa test` only. */
  readonly tests: readonly string[];
  /** Data files, validated against the default schema (plus `user.schema.json`). */
  readonly dataFiles: readonly string[];
  /** `user.schema.json`, when present: the JSON Schema of `data.user`. */
  readonly userSchemaFile?: string;
}

/** The optional schema of the project's own data key, `data.user`. */
export const USER_SCHEMA_FILE = 'user.schema.json';

export const DATA_FILE_NAMES = ['data.yaml', 'data.yml', 'data.json'] as const;

/** The shipped default policy's Rego files (absolute paths), compiled with every user rule. */
export function defaultRegoPaths(): string[] {
  return DEFAULT_REGO_URLS.map((url) => fileURLToPath(url));
}

/** Lists a policy folder; throws PolicyLoadError (naming the folder and the fix) when unusable. */
export async function readPolicyDir(rawDir: string, command: string): Promise<PolicyDir> {
  const dir = resolve(rawDir);
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = (await readdir(dir)).sort();
  } catch (thrown) {
    throw new PolicyLoadError(
      `Cannot read the policy folder \`${rawDir}\` for \`${command}\`: ${thrownText(thrown)}. Give the folder \`mcp-opa-shim init\` wrote, or create one with \`mcp-opa-shim init ${rawDir}\`.`,
    );
  }
  const rego = names.filter((name) => name.endsWith('.rego'));
  const rules = rego.filter((name) => !name.endsWith('_test.rego')).map((n) => join(dir, n));
  const tests = rego.filter((name) => name.endsWith('_test.rego')).map((n) => join(dir, n));
  if (rules.length === 0) {
    throw new PolicyLoadError(
      `Expected \`.rego\` rules files (package mcp.user) in \`${rawDir}\` for \`${command}\`, found none. Create a starter with \`mcp-opa-shim init ${rawDir}\`.`,
    );
  }
  const dataFiles = DATA_FILE_NAMES.filter((name) => names.includes(name)).map((n) => join(dir, n));
  return {
    dir,
    rules,
    tests,
    dataFiles,
    ...(names.includes(USER_SCHEMA_FILE) ? { userSchemaFile: join(dir, USER_SCHEMA_FILE) } : {}),
  };
}

export interface ProjectSchema {
  readonly schema: Readonly<Record<string, unknown>>;
  /** How validation errors name it. */
  readonly name: string;
}

/**
 * The schema a project's data must match: the default policy's, with `data.user` narrowed to
 * `user.schema.json` when the project has one (free-form otherwise).
 */
export async function projectDataSchema(policyDir: PolicyDir): Promise<ProjectSchema> {
  const file = policyDir.userSchemaFile;
  if (file === undefined)
    return { schema: DEFAULT_DATA_SCHEMA, name: 'of the default policy (docs/policy-data.md)' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (thrown) {
    throw new PolicyLoadError(
      `Cannot read \`${file}\` as JSON: ${thrownText(thrown)}. Fix it, or remove it to leave \`data.user\` free-form.`,
    );
  }
  if (!isPlainObject(parsed)) {
    throw new PolicyLoadError(
      `Expected \`${file}\` to hold a JSON Schema object for \`data.user\`, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}.`,
    );
  }
  // A subschema takes the draft of the whole (2020-12).
  const userSchema: Record<string, unknown> = { ...parsed };
  delete userSchema.$schema;
  const properties = DEFAULT_DATA_SCHEMA.properties as Record<string, unknown>;
  return {
    schema: { ...DEFAULT_DATA_SCHEMA, properties: { ...properties, user: userSchema } },
    name: `of the default policy with ${USER_SCHEMA_FILE} for data.user`,
  };
}

/** The shim's policy configuration for a folder: its rules with the default policy, its data. */
export function policyDirConfig(policyDir: PolicyDir): PolicyConfig {
  return {
    policy: { kind: 'rules', paths: policyDir.rules },
    dataFiles: policyDir.dataFiles,
    entrypoint: DEFAULT_ENTRYPOINT,
    watch: false,
  };
}
