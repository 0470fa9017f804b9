import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../src/core/decision.js';
import { EMBEDDED_POLICY_URL } from '../../src/policy/load-policy.js';
import { normaliseDecision } from '../../src/policy/normalise-decision.js';
import { WasmEngine } from '../../src/policy/wasm-engine.js';
import { loadCases, type ConformanceCase } from './conformance-cases.js';
import { opa, POLICY_FILES } from './opa-cli.js';

const cases = loadCases();
const work = mkdtempSync(join(tmpdir(), 'policy-parity-'));
/** Topdown (`opa eval` on policy.rego) result per case, as a Wasm-style result set. */
const topdown = new Map<ConformanceCase, unknown[]>();
const wasm = readFileSync(EMBEDDED_POLICY_URL);

beforeAll(() => {
  // One `opa eval` per distinct data document, every input of the group in one query.
  const groups = new Map<string, ConformanceCase[]>();
  for (const c of cases) {
    const key = JSON.stringify(c.data);
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  let n = 0;
  for (const [dataJson, group] of groups) {
    const dataFile = join(work, `data-${n}.json`);
    const inputFile = join(work, `input-${n++}.json`);
    writeFileSync(dataFile, dataJson);
    writeFileSync(inputFile, JSON.stringify({ cases: group.map((c) => c.input) }));
    const query =
      '{sprintf("%d", [i]): d | some i, c in input.cases; d := data.mcp.decision with input as c}';
    const out = JSON.parse(
      opa([
        'eval',
        '-f',
        'json',
        ...POLICY_FILES.flatMap((f) => ['-d', f]),
        '-d',
        dataFile,
        '-i',
        inputFile,
        query,
      ]),
    ) as { result: { expressions: { value: Record<string, unknown> }[] }[] };
    const byIndex = out.result[0]?.expressions[0]?.value ?? {};
    group.forEach((c, i) =>
      topdown.set(c, String(i) in byIndex ? [{ result: byIndex[String(i)] }] : []),
    );
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function expectWanted(decision: Decision, want: ConformanceCase['want']): void {
  expect({ allow: decision.allow, reasons: decision.reasons }).toEqual({
    allow: want.allow,
    reasons: want.reasons,
  });
  if (want.message !== undefined) expect(decision.message).toBe(want.message);
  if (want.obligations !== undefined) expect(decision.obligations).toEqual(want.obligations);
  expect(decision.error).toBeUndefined();
}

describe('the shipped Wasm policy and opa eval on policy.rego', () => {
  it('have conformance cases with an allow and a deny in every file', () => {
    const files = new Set(cases.map((c) => c.file));
    for (const file of files) {
      const outcomes = new Set(cases.filter((c) => c.file === file).map((c) => c.want.allow));
      expect([file, [...outcomes].sort()]).toEqual([file, [false, true]]);
    }
  });

  it.each(cases.map((c) => [`${c.file}: ${c.note}`, c] as const))(
    'agree: %s',
    async (_title, c) => {
      const engine = await WasmEngine.create({
        wasm,
        data: c.data,
        entrypoint: 'mcp/decision',
        revision: { sha256: 'test', source: 'embedded' },
      });
      const fromWasm = engine.evaluate(c.input);
      const fromTopdown = normaliseDecision(topdown.get(c), 'mcp/decision');
      expect(fromWasm).toEqual(fromTopdown);
      expectWanted(fromWasm, c.want);
    },
  );
});
