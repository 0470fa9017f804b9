import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft07 } from 'ajv';
import defaultSchema from './data.schema.json' with { type: 'json' };
import { PolicyLoadError } from './policy-load-error.js';
import { editDistance } from '../text/edit-distance.js';

type Schema = Readonly<Record<string, unknown>>;

/** The schema of the default policy's data (docs/policy-data.md documents it key by key). */
export const DEFAULT_DATA_SCHEMA: Schema = defaultSchema;

/** Compiled once per schema object: the default schema once per process, a bundle's per load. */
const compiled = new WeakMap<object, ValidateFunction>();

function compile(schema: Schema, schemaName: string): ValidateFunction {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  const draft07 = typeof schema.$schema === 'string' && schema.$schema.includes('draft-07');
  // allErrors: every mistake in one run; verbose: errors carry the value and the schema.
  const options = { allErrors: true, verbose: true, strict: false } as const;
  const ajv = draft07 ? new AjvDraft07(options) : new Ajv2020(options);
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (thrown) {
    throw new PolicyLoadError(
      `The data schema ${schemaName} is not a valid JSON Schema (draft 2020-12 or draft-07): ${thrown instanceof Error ? thrown.message : String(thrown)}. Fix the schema.`,
    );
  }
  compiled.set(schema, validate);
  return validate;
}

/**
 * Throws PolicyLoadError listing every way `data` breaks `schema`: the JSON path, what was
 * expected, the value found and the fix. `what` names the data (`` `--data` file `a.yaml` ``).
 */
export function validateData(
  data: unknown,
  what: string,
  schema: Schema = DEFAULT_DATA_SCHEMA,
  schemaName = 'of the default policy (docs/policy-data.md)',
): void {
  const validate = compile(schema, schemaName);
  if (validate(data)) return;
  const problems = (validate.errors ?? [])
    .filter((error) => !BRANCH_KEYWORDS.has(error.keyword))
    .map((error) => describeError(error, schema));
  const unique = [...new Set(problems)];
  if (unique.length === 0) unique.push('it does not match the schema');
  throw new PolicyLoadError(
    `Invalid ${what} (schema ${schemaName}):\n${unique.map((p) => `  - ${p}`).join('\n')}`,
  );
}

/** `if`/`anyOf` failures repeat what their branches already said. */
const BRANCH_KEYWORDS = new Set(['if', 'anyOf', 'oneOf']);

function describeError(error: ErrorObject, rootSchema: Schema): string {
  const at = pathText(error.instancePath);
  const got = valueText(error.data);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const where = at === '`/`' ? 'at the top level' : `in ${at}`;
      const allowed = Object.keys(propertiesOf(error.parentSchema));
      return `unknown key \`${key}\` ${where}: ${suggestion(key, allowed, rootSchema)}`;
    }
    case 'type': {
      const expected = String((error.params as { type: string | string[] }).type);
      return `${at} must be ${article(expected)}, got ${got}: change the value to ${article(expected)}`;
    }
    case 'const':
      return `${at} must be ${valueText((error.params as { allowedValue: unknown }).allowedValue)} or an object, got ${got}`;
    case 'enum':
      return `${at} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map(valueText).join(', ')}, got ${got}`;
    default:
      return `${at} ${error.message ?? 'is invalid'}, got ${got}`;
  }
}

function pathText(pointer: string): string {
  return `\`${pointer === '' ? '/' : pointer}\``;
}

function valueText(value: unknown): string {
  const json = JSON.stringify(value) as string | undefined;
  const text = json ?? String(value);
  return `\`${text.length > 80 ? `${text.slice(0, 77)}...` : text}\``;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function propertiesOf(schema: unknown): Record<string, unknown> {
  if (typeof schema !== 'object' || schema === null) return {};
  const properties = (schema as { properties?: unknown }).properties;
  return typeof properties === 'object' && properties !== null
    ? (properties as Record<string, unknown>)
    : {};
}

/** "did you mean" from the keys allowed at that level, else from anywhere in the schema. */
function suggestion(key: string, allowed: readonly string[], rootSchema: Schema): string {
  const near = closest(key, allowed);
  if (near !== undefined) return `did you mean \`${near}\`? Rename the key.`;
  const elsewhere = closest(key, [...keyLocations(rootSchema).keys()]);
  const list = allowed.length === 0 ? 'none' : allowed.map((k) => `\`${k}\``).join(', ');
  if (elsewhere !== undefined)
    return `did you mean \`${elsewhere}\`, which belongs in ${keyLocations(rootSchema).get(elsewhere) ?? 'another level'}? Move or remove the key (allowed here: ${list}).`;
  return `remove or rename it (allowed here: ${list}).`;
}

/** Close enough to be a typo: within a third of the key's length, at least 1, at most 3 edits. */
function closest(key: string, candidates: readonly string[]): string | undefined {
  const limit = Math.min(3, Math.max(1, Math.floor(key.length / 3)));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

const locationCache = new WeakMap<object, Map<string, string>>();

/** Every property name in the schema, with the first data path it is allowed at (`/tiers/<key>/servers/<key>`). */
function keyLocations(root: Schema): Map<string, string> {
  const cached = locationCache.get(root);
  if (cached !== undefined) return cached;
  const found = new Map<string, string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: string): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const schema = node as Record<string, unknown>;
    if (typeof schema.$ref === 'string' && schema.$ref.startsWith('#/'))
      walk(resolveRef(root, schema.$ref), path);
    for (const [name, child] of Object.entries(propertiesOf(schema))) {
      if (!found.has(name)) found.set(name, `\`${path === '' ? '/' : path}\``);
      walk(child, `${path}/${name}`);
    }
    walk(schema.additionalProperties, `${path}/<key>`);
    walk(schema.items, `${path}/<index>`);
    for (const branch of ['then', 'else']) walk(schema[branch], path);
  };
  walk(root, '');
  locationCache.set(root, found);
  return found;
}

function resolveRef(root: Schema, ref: string): unknown {
  let node: unknown = root;
  for (const part of ref.slice(2).split('/'))
    node = typeof node === 'object' && node !== null ? (node as Schema)[part] : undefined;
  return node;
}
