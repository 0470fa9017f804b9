import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileRego } from '../../src/policy/compile-rego.js';
import { EMBEDDED_POLICY_URL } from '../../src/policy/load-policy.js';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';
import { WasmEngine } from '../../src/policy/wasm-engine.js';
import { pathWithOpa } from './opa-cli.js';
import { fixturePolicy, policyInput } from './policy-fixtures.js';

const FIXTURES = [
  'allow-all',
  'deny-all',
  'undefined',
  'not-an-object',
  'allow-yes',
  'conflict',
  'divide-by-zero',
  'missing-builtin',
  'memory-hog',
  'uses-host-builtins',
  'failing-mask',
];
const compiled = new Map<string, Uint8Array>();

beforeAll(async () => {
  process.env.PATH = pathWithOpa();
  await Promise.all(
    FIXTURES.map(async (name) =>
      compiled.set(
        name,
        await compileRego(
          fixturePolicy(name),
          name === 'failing-mask' ? 'system/log/drop' : 'mcp/decision',
        ),
      ),
    ),
  );
}, 120_000);

function engineFor(name: string, data: unknown = {}): Promise<WasmEngine> {
  const wasm = compiled.get(name);
  if (wasm === undefined) throw new Error(`fixture ${name} not compiled`);
  return WasmEngine.create({
    wasm,
    data,
    entrypoint: 'mcp/decision',
    revision: { sha256: name, source: name },
  });
}

describe('WasmEngine', () => {
  it('allows when the policy returns allow: true', async () => {
    const decision = (await engineFor('allow-all')).evaluate(policyInput());
    expect(decision).toEqual({ allow: true, reasons: [] });
  });

  it('denies with the policy message and internal message when the policy denies', async () => {
    const decision = (await engineFor('deny-all')).evaluate(policyInput());
    expect(decision).toEqual({
      allow: false,
      reasons: ['deny_all'],
      message: 'Everything is denied.',
      internal_message: 'deny-all fixture',
    });
  });

  it('denies an undefined result and says so', async () => {
    const engine = await engineFor('undefined');
    expect(engine.evaluate(policyInput({ defined: true })).allow).toBe(true);
    const decision = engine.evaluate(policyInput());
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/entrypoint `mcp\/decision` is undefined/);
  });

  it('denies a result that is not an object', async () => {
    const decision = (await engineFor('not-an-object')).evaluate(policyInput());
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/returned boolean true, expected an object/);
  });

  it('denies allow: "yes" because only the boolean true allows', async () => {
    const decision = (await engineFor('allow-yes')).evaluate(policyInput());
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/`allow` must be the boolean true.*"yes"/);
  });

  it('denies on a conflict error and keeps evaluating afterwards', async () => {
    const engine = await engineFor('conflict');
    const decision = engine.evaluate(policyInput({ a: true, b: true }));
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/policy evaluation failed: .*conflict/);
    expect(engine.evaluate(policyInput({ a: true })).allow).toBe(true);
  });

  it('denies when a division by zero leaves the decision undefined', async () => {
    const engine = await engineFor('divide-by-zero');
    expect(engine.evaluate(policyInput({ divisor: 2 })).allow).toBe(true);
    const decision = engine.evaluate(policyInput({ divisor: 0 }));
    expect(decision.allow).toBe(false);
    expect(decision.error).toBeDefined();
  });

  it('denies when the policy calls a builtin nobody provides', async () => {
    const decision = (await engineFor('missing-builtin')).evaluate(
      policyInput({ version_a: '2.0.0' }),
    );
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/not implemented: built-in function .*semver\.compare/);
  });

  it('denies when the policy exhausts its Wasm memory, then recovers on a fresh instance', async () => {
    const engine = await engineFor('memory-hog');
    const decision = engine.evaluate(policyInput({ hog: true }));
    expect(decision.allow).toBe(false);
    expect(decision.error).toMatch(/policy evaluation failed: .*(malloc|memory)/i);
    expect(engine.evaluate(policyInput({ hog: false }))).toEqual({ allow: true, reasons: [] });
  });

  it('provides time.now_ns, crypto.sha256 and io.jwt.decode to Wasm policies', async () => {
    const payload = Buffer.from(JSON.stringify({ sub: 'alice' })).toString('base64url');
    const decision = (await engineFor('uses-host-builtins')).evaluate(
      policyInput({ token: `e30.${payload}.c2ln` }),
    );
    expect(decision.allow).toBe(true);
    expect(decision.error).toBeUndefined();
  });

  it('rejects a policy without the entrypoint, naming --entrypoint', async () => {
    const wasm = compiled.get('allow-all') ?? new Uint8Array();
    await expect(
      WasmEngine.create({
        wasm,
        data: {},
        entrypoint: 'mcp/other',
        revision: { sha256: 'x', source: 'x.wasm' },
      }),
    ).rejects.toThrow(/define entrypoint `mcp\/other` \(`--entrypoint`\), it has: `mcp\/decision`/);
  });

  it('rejects bytes that are not Wasm with a PolicyLoadError', async () => {
    const create = WasmEngine.create({
      wasm: new TextEncoder().encode('not wasm'),
      data: {},
      entrypoint: 'mcp/decision',
      revision: { sha256: 'x', source: 'junk.wasm' },
    });
    await expect(create).rejects.toBeInstanceOf(PolicyLoadError);
    await expect(create).rejects.toThrow(/junk\.wasm is not a valid Wasm module/);
  });
});

describe('the default policy log controls', () => {
  const wasm = readFileSync(EMBEDDED_POLICY_URL);
  const create = (data: unknown) =>
    WasmEngine.create({
      wasm,
      data,
      entrypoint: 'mcp/decision',
      revision: { sha256: 'x', source: 'embedded' },
    });

  it('masks nothing and drops nothing without data', async () => {
    const engine = await create({});
    expect(engine.maskRules(policyInput({ arguments: { password: 'x' } }))).toEqual([]);
    expect(engine.shouldDrop(policyInput())).toBe(false);
  });

  it('masks the configured arguments and drops the configured methods', async () => {
    const engine = await create({ log: { mask_arguments: ['password'], drop_methods: ['ping'] } });
    expect(engine.maskRules(policyInput({ arguments: { password: 'x', user: 'u' } }))).toEqual([
      '/input/arguments/password',
    ]);
    expect(engine.maskRules(policyInput({ arguments: { user: 'u' } }))).toEqual([]);
    expect(
      engine.shouldDrop(policyInput({ message: { kind: 'request', method: 'ping', id: 1 } })),
    ).toBe(true);
    expect(engine.shouldDrop(policyInput())).toBe(false);
  });

  it('erases the whole logged input when the mask policy fails', async () => {
    const wasm = compiled.get('failing-mask') ?? new Uint8Array();
    const engine = await WasmEngine.create({
      wasm,
      data: {},
      entrypoint: 'system/log/drop',
      revision: { sha256: 'x', source: 'x' },
    });
    expect(engine.maskRules(policyInput({ version_a: '2.0.0' }))).toEqual(['/input']);
  });

  it('reports no mask rules for a policy without system/log entrypoints', async () => {
    const engine = await engineFor('allow-all');
    expect(engine.maskRules(policyInput())).toEqual([]);
    expect(engine.shouldDrop(policyInput())).toBe(false);
  });
});
