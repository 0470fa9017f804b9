import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_SCHEMA } from '../../src/policy/validate-data.js';
import { REPO } from '../helpers/shim-process.js';

/** Every property name the schema allows anywhere (following local $refs). */
function schemaKeys(): Set<string> {
  const keys = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    const schema = node as Record<string, unknown>;
    if (typeof schema.$ref === 'string') {
      const name = schema.$ref.replace('#/$defs/', '');
      walk((DEFAULT_DATA_SCHEMA.$defs as Record<string, unknown>)[name]);
    }
    for (const [name, child] of Object.entries(schema.properties ?? {})) {
      keys.add(name);
      walk(child);
    }
    for (const child of [schema.additionalProperties, schema.items, schema.then, schema.else])
      walk(child);
  };
  walk(DEFAULT_DATA_SCHEMA);
  return keys;
}

/** Key names in the first column of the tables of docs/policy-data.md's "Data keys" section. */
function documentedKeys(): Set<string> {
  const doc = readFileSync(join(REPO, 'docs/policy-data.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Data keys'), doc.indexOf('### Listings'));
  const keys = new Set<string>();
  for (const line of section.split('\n')) {
    const cell = /^\| (.+?) \|/.exec(line)?.[1];
    if (cell === undefined) continue;
    for (const code of cell.matchAll(/`([^`]+)`/g))
      for (const part of (code[1] ?? '').split('.')) if (/^[a-z_]+$/.test(part)) keys.add(part);
  }
  return keys;
}

describe('docs/policy-data.md and src/policy/data.schema.json', () => {
  it('document exactly the keys the schema allows', () => {
    expect([...documentedKeys()].sort()).toEqual([...schemaKeys()].sort());
  });
});
