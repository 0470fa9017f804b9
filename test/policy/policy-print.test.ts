import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/policy/load-engine.js';
import type { PrintedLine } from '../../src/policy/policy-print.js';
import { pathWithOpa } from './opa-cli.js';
import { policyInput } from './policy-fixtures.js';

// Rego print() through the Wasm engine: each call site marked with its location at compile time.
let work: string;
const savedPath = process.env.PATH;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'policy-print-'));
  process.env.PATH = pathWithOpa();
});

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(work, { recursive: true, force: true });
});

async function printedBy(rules: string, input = policyInput()): Promise<PrintedLine[]> {
  const path = join(work, 'rules.rego');
  writeFileSync(path, rules);
  const lines: PrintedLine[] = [];
  const engine = await loadEngine(
    {
      policy: { kind: 'rules', paths: [path] },
      dataFiles: [],
      entrypoint: 'mcp/decision',
      watch: false,
    },
    (line) => lines.push(line),
  );
  // Loading ran the start-up probe: its prints are not shown.
  expect(lines).toEqual([]);
  engine.evaluate(input);
  return lines;
}

describe('print() in rules', () => {
  it('reports each call with its own file and line, as opa formats the operands', async () => {
    const lines = await printedBy(
      [
        'package mcp.user',
        '',
        'denials contains {"reason": "never"} if {',
        '\tprint("a", 1, {"k": [true]}); print("b(", input.missing)',
        '\tprint()',
        '\tfalse',
        '}',
        '',
      ].join('\n'),
    );
    expect(lines).toEqual([
      { message: 'a 1 {"k":[true]}', location: 'rules.rego:4' },
      { message: 'b( <undefined>', location: 'rules.rego:4' },
      { message: '', location: 'rules.rego:5' },
    ]);
  });

  it('leaves Rego without print, and strings that spell print(, as they are', async () => {
    const lines = await printedBy(
      'package mcp.user\n\ndenials contains {"reason": "print(x)"} if input.operation.name == "never"\n',
    );
    expect(lines).toEqual([]);
  });
});
