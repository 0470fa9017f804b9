import { copyFileSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileRego } from '../../src/policy/compile-rego.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { EMBEDDED_POLICY_URL } from '../../src/policy/load-policy.js';
import type { ReloadEvent } from '../../src/policy/reloading-engine.js';
import { pathWithOpa } from './opa-cli.js';
import { fixturePolicy, policyInput } from './policy-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'reload-'));
const sampling = policyInput({
  direction: 'to_client',
  message: { kind: 'request', method: 'sampling/createMessage', id: 1 },
  operation: { type: 'sampling', name: 'sampling/createMessage', listing: false },
});
let denyAllWasm: Uint8Array = new Uint8Array();
const engines: PolicyEngine[] = [];

beforeAll(async () => {
  process.env.PATH = pathWithOpa();
  denyAllWasm = await compileRego(fixturePolicy('deny-all'), 'mcp/decision');
}, 60_000);
afterEach(() => {
  for (const engine of engines.splice(0)) engine.close();
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** An engine watching `files`, and a function resolving with the next reload event. */
async function watched(policyPath: string, dataFiles: string[]) {
  const events: ReloadEvent[] = [];
  let notify: (() => void) | undefined;
  const engine = await createPolicyEngine(
    {
      policy: { kind: 'wasm', path: policyPath },
      dataFiles,
      entrypoint: 'mcp/decision',
      watch: true,
    },
    undefined,
    (event) => {
      events.push(event);
      notify?.();
    },
  );
  engines.push(engine);
  const nextEvent = (): Promise<ReloadEvent> =>
    new Promise((resolve) => {
      const seen = events.length;
      notify = () => {
        const event = events[seen];
        if (event !== undefined) resolve(event);
      };
    });
  return { engine, nextEvent };
}

describe('a watching policy engine', () => {
  it('uses a changed data file on the next evaluation after the reload', async () => {
    const dir = mkdtempSync(join(work, 'data-'));
    const policy = join(dir, 'policy.wasm');
    copyFileSync(EMBEDDED_POLICY_URL, policy);
    const data = join(dir, 'data.yaml');
    writeFileSync(data, 'sampling:\n  allow: false\n');
    const { engine, nextEvent } = await watched(policy, [data]);
    expect(engine.evaluate(sampling).allow).toBe(false);

    const reloaded = nextEvent();
    writeFileSync(data, 'sampling:\n  allow: true\n');
    expect(await reloaded).toMatchObject({ ok: true });
    expect(engine.evaluate(sampling).allow).toBe(true);
  });

  it('swaps in a replaced policy file, including a save by rename', async () => {
    const dir = mkdtempSync(join(work, 'policy-'));
    const policy = join(dir, 'policy.wasm');
    copyFileSync(EMBEDDED_POLICY_URL, policy);
    const { engine, nextEvent } = await watched(policy, []);
    const before = engine.revision.sha256;
    expect(engine.evaluate(policyInput()).allow).toBe(true);

    const reloaded = nextEvent();
    writeFileSync(join(dir, 'policy.wasm.tmp'), denyAllWasm);
    renameSync(join(dir, 'policy.wasm.tmp'), policy);
    expect(await reloaded).toMatchObject({ ok: true });
    expect(engine.evaluate(policyInput())).toMatchObject({ allow: false, reasons: ['deny_all'] });
    expect(engine.revision.sha256).not.toBe(before);
  });

  it('keeps the last good version when the new one is bad, and says why', async () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const policy = join(dir, 'policy.wasm');
    copyFileSync(EMBEDDED_POLICY_URL, policy);
    const data = join(dir, 'data.json');
    writeFileSync(data, JSON.stringify({ sampling: { allow: true } }));
    const { engine, nextEvent } = await watched(policy, [data]);
    const revision = engine.revision;

    let failed = nextEvent();
    writeFileSync(policy, 'not wasm');
    expect(await failed).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a valid Wasm module/) as unknown,
    });
    expect(engine.evaluate(sampling).allow).toBe(true);

    const restored = nextEvent();
    copyFileSync(EMBEDDED_POLICY_URL, policy);
    expect(await restored).toMatchObject({ ok: true });

    failed = nextEvent();
    writeFileSync(data, '{"sampling": ');
    const event = await failed;
    expect(event.ok).toBe(false);
    expect(event.ok ? '' : event.error).toMatch(/Cannot parse `--data` file `.*data\.json`/);
    expect(engine.evaluate(sampling).allow).toBe(true);
    expect(engine.revision).toEqual(revision);
  });

  it('refuses a reload whose data the default policy’s own check rejects, and keeps the last good data', async () => {
    const dir = mkdtempSync(join(work, 'checked-'));
    const data = join(dir, 'data.json');
    writeFileSync(data, JSON.stringify({ sampling: { allow: true } }));
    let notify: ((event: ReloadEvent) => void) | undefined;
    const engine = await createPolicyEngine(
      { policy: { kind: 'embedded' }, dataFiles: [data], entrypoint: 'mcp/decision', watch: true },
      undefined,
      (event) => notify?.(event),
    );
    engines.push(engine);
    expect(engine.evaluate(sampling).allow).toBe(true);

    const failed = new Promise<ReloadEvent>((resolve) => (notify = resolve));
    // Valid for the schema (a list of strings), not for the policy (not ASCII words).
    writeFileSync(
      data,
      JSON.stringify({ sampling: { allow: true }, elicitation: { secret_words: ['pïn'] } }),
    );
    const event = await failed;
    expect(event.ok).toBe(false);
    expect(event.ok ? '' : event.error).toMatch(/data\.elicitation\.secret_words entry `pïn`/);
    expect(engine.evaluate(sampling).allow).toBe(true);
  });

  it('does not watch when watch is off: a changed data file is not picked up', async () => {
    const dir = mkdtempSync(join(work, 'unwatched-'));
    const policy = join(dir, 'policy.wasm');
    copyFileSync(EMBEDDED_POLICY_URL, policy);
    const data = join(dir, 'data.yaml');
    writeFileSync(data, 'sampling:\n  allow: true\n');
    const engine = await createPolicyEngine({
      policy: { kind: 'wasm', path: policy },
      dataFiles: [data],
      entrypoint: 'mcp/decision',
      watch: false,
    });
    engines.push(engine);
    expect(engine.evaluate(sampling).allow).toBe(true);
    writeFileSync(data, 'sampling:\n  allow: false\n');
    // Longer than a watching engine takes (fs.watch at once, else a poll each second, then a
    // short settle): the tests above see such a change picked up well within this.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(engine.evaluate(sampling).allow).toBe(true);
  });
});
