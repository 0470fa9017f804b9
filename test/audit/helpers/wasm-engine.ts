import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import type { PolicyInput } from '../../../src/core/policy-input.js';
import type { Decision, MaskRule, PolicyEngine } from '../../../src/core/decision.js';

export const policiesDir = join(dirname(fileURLToPath(import.meta.url)), '../policies');
const opa = join(homedir(), '.cache/mcp-opa-shim/opa-v1.22.2/opa');

/** Compiles test policies (in test/audit/policies) into an OPA Wasm bundle; returns its path. */
export function buildBundle(files: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-policy-'));
  const bundle = join(dir, 'bundle.tar.gz');
  const logControls = files.includes('system-log.rego')
    ? ['system/log/mask', 'system/log/drop']
    : [];
  const entrypoints = ['mcp/decision', ...logControls];
  const paths = files.map((f) => join(policiesDir, f));
  execFileSync(opa, [
    'build',
    '-t',
    'wasm',
    ...entrypoints.flatMap((e) => ['-e', e]),
    '-o',
    bundle,
    ...paths,
  ]);
  return bundle;
}

/**
 * A small but real policy engine for audit tests: the Rego files are compiled by the pinned
 * opa CLI and evaluated by @open-policy-agent/opa-wasm, exactly as the shim does.
 */
export async function compileEngine(files: readonly string[]): Promise<PolicyEngine> {
  const bundle = buildBundle(files);
  const dir = dirname(bundle);
  execFileSync('tar', ['xzf', bundle, '-C', dir, '/policy.wasm'], { stdio: 'ignore' });
  const wasm = readFileSync(join(dir, 'policy.wasm'));
  const policy = await loadPolicy(
    wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength),
    {
      initial: 5,
      maximum: 200,
    },
  );
  policy.setData({});
  const has = (entrypoint: string): boolean =>
    entrypoint in (policy.entrypoints as Record<string, number>);
  const first = (input: unknown, entrypoint: string): unknown => {
    const results = policy.evaluate(input, entrypoint) as { result: unknown }[];
    return results[0]?.result;
  };
  return {
    revision: { sha256: createHash('sha256').update(wasm).digest('hex'), source: files.join('+') },
    evaluate(input: PolicyInput): Decision {
      try {
        const raw = first(input, 'mcp/decision') as Partial<Decision> | undefined;
        if (typeof raw !== 'object')
          return { allow: false, reasons: [], error: 'undefined decision' };
        return { ...raw, allow: raw.allow === true, reasons: raw.reasons ?? [] };
      } catch (error) {
        return { allow: false, reasons: [], error: String(error) };
      }
    },
    maskRules(input: PolicyInput): readonly MaskRule[] {
      if (!has('system/log/mask')) return [];
      const rules = first({ input }, 'system/log/mask');
      return Array.isArray(rules) ? (rules as MaskRule[]) : [];
    },
    shouldDrop(input: PolicyInput): boolean {
      return has('system/log/drop') && first({ input }, 'system/log/drop') === true;
    },
    close() {},
  };
}
