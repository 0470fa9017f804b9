import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_INPUT_KEYS_URL } from '../../src/policy/load-policy.js';
import { parseInputKeys, projectInput } from '../../src/policy/project-input.js';
import { pathWithOpa } from './opa-cli.js';

interface InputKeysScript {
  inputKeysOf(modules: readonly unknown[]): string[] | null;
}

const script = (await import(
  new URL('../../scripts/input-keys.mjs', import.meta.url).href
)) as InputKeysScript;

beforeAll(() => {
  process.env.PATH = pathWithOpa();
});

/** The keys the script finds in one Rego module, parsed by the real `opa parse`. */
function keysOf(rego: string): string[] | null {
  const dir = mkdtempSync(join(tmpdir(), 'input-keys-'));
  const file = join(dir, 'p.rego');
  writeFileSync(file, `package p\n\n${rego}\n`);
  const ast: unknown = JSON.parse(
    execFileSync('opa', ['parse', '--format', 'json', file], { encoding: 'utf8' }),
  );
  return script.inputKeysOf([ast]);
}

describe('the input keys a policy reads (scripts/input-keys.mjs)', () => {
  it('collects the first key of every input reference, in rules, imports and comprehensions', () => {
    expect(
      keysOf(
        [
          'import input.principal as who',
          'a if input.operation.name == "x"',
          'b contains n if some n in input.paths',
          'c := [x | some x in input.roots; x != input.server.id]',
          'd if who.id == "alice"',
          'e[input.direction] := 1',
        ].join('\n'),
      ),
    ).toEqual(['direction', 'operation', 'paths', 'principal', 'roots', 'server']);
  });

  it('gives up (every key may be read) when input is used whole, by a variable key, or replaced', () => {
    expect(keysOf('a := object.get(input, "version", null)')).toBeNull();
    expect(keysOf('a if { some k; input[k] == 1 }')).toBeNull();
    expect(keysOf('a := input')).toBeNull();
    expect(keysOf('a if input.x\nb if a with input as {"x": true}')).toBeNull();
    expect(keysOf('import input\na if input.x')).toBeNull();
  });

  it('matches what the shipped embedded policy reads: no session, client or environment', () => {
    const keys = parseInputKeys(readFileSync(EMBEDDED_INPUT_KEYS_URL, 'utf8'));
    expect(keys).toBeDefined();
    expect(keys?.has('operation')).toBe(true);
    expect(keys?.has('principal')).toBe(true);
    expect(keys?.has('session')).toBe(false);
    expect(keys?.has('environment')).toBe(false);
  });
});

describe('projecting the input', () => {
  it('keeps only the named top-level keys and shares their values', () => {
    const session = { id: 's' };
    const operation = { type: 'tool' };
    const projected = projectInput({ session, operation, version: 1 }, new Set(['operation']));
    expect(projected).toEqual({ operation });
    expect(projected.operation).toBe(operation);
  });

  it('reads the keys file, and rejects one of another shape', () => {
    expect(parseInputKeys('{"keys":null}')).toBeUndefined();
    expect([...(parseInputKeys('{"keys":["a","b"]}') ?? [])]).toEqual(['a', 'b']);
    expect(() => parseInputKeys('{"keys":"a"}')).toThrow(/Expected/);
    expect(() => parseInputKeys('{"keys":[1]}')).toThrow(/Expected/);
    expect(() => parseInputKeys('{}')).toThrow(/Expected/);
  });
});
