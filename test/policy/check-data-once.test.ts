import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { markDataChecked } from '../../src/policy/check-data-once.js';
import { loadEngine } from '../../src/policy/load-engine.js';
import { EMBEDDED_POLICY_URL } from '../../src/policy/load-policy.js';
import type { DataDocument } from '../../src/policy/merge-data.js';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';
import { WasmEngine } from '../../src/policy/wasm-engine.js';
import { loadCases } from './conformance-cases.js';

const work = mkdtempSync(join(tmpdir(), 'check-data-once-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});
const wasm = readFileSync(EMBEDDED_POLICY_URL);

/** The schema accepts any string list here; the policy's own check wants ASCII words. */
const SCHEMA_VALID_POLICY_INVALID = { elicitation: { secret_field_patterns: ['pass wörd'] } };

function dataFile(data: DataDocument): string {
  const path = join(work, `data-${String(Math.random()).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(data));
  return path;
}

function embedded(data: DataDocument): Promise<WasmEngine> {
  return WasmEngine.create({
    wasm,
    data,
    entrypoint: 'mcp/decision',
    revision: { sha256: 'test', source: 'embedded' },
  });
}

function load(data: DataDocument): Promise<WasmEngine> {
  return loadEngine({
    policy: { kind: 'embedded' },
    dataFiles: [dataFile(data)],
    entrypoint: 'mcp/decision',
    watch: false,
  });
}

describe('the default policy’s data, checked once at load', () => {
  it('refuses data that passes the schema but not the policy’s own check, naming the error', async () => {
    const loading = load(SCHEMA_VALID_POLICY_INVALID);
    await expect(loading).rejects.toThrow(PolicyLoadError);
    await expect(loading).rejects.toThrow(
      /data\.elicitation\.secret_field_patterns entry `pass wörd` must be ASCII/,
    );
  });

  it('loads valid data, which then decides as it does unmarked', async () => {
    const engine = await load({ allowed_tools: { alice: ['echo'] } });
    const cases = loadCases().filter(
      (c) => Object.keys(c.data).length > 0 && !c.want.reasons.includes('invalid_data'),
    );
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      const marked = await embedded(markDataChecked(c.data));
      const unmarked = await embedded(c.data);
      expect(marked.evaluate(c.input), c.note).toEqual(unmarked.evaluate(c.input));
    }
    expect(engine.entrypoints).toContain('mcp/data_errors');
  });

  it('skips the per-message check once marked, so the load-time check is what keeps bad data out', async () => {
    const input = loadCases()[0]?.input;
    if (input === undefined) throw new Error('no conformance case');
    const unmarked = await embedded(SCHEMA_VALID_POLICY_INVALID);
    expect(unmarked.evaluate(input).reasons).toContain('invalid_data');
    const marked = await embedded(markDataChecked(SCHEMA_VALID_POLICY_INVALID));
    expect(marked.evaluate(input).reasons).not.toContain('invalid_data');
  });
});
