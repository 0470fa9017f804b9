import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/policy/load-engine.js';
import { EMBEDDED_POLICY_URL, loadPolicySource } from '../../src/policy/load-policy.js';
import { sha256Hex } from '../../src/policy/policy-source.js';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';
import { opaBuild, pathWithOpa } from './opa-cli.js';
import { fixturePolicy, policyInput } from './policy-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'load-policy-'));
const savedPath = process.env.PATH;
let bundlePath = '';

beforeAll(() => {
  // A bundle as users make them: policy, data.json at the root and below, and a revision.
  const src = join(work, 'bundle-src');
  mkdirSync(join(src, 'extra'), { recursive: true });
  writeFileSync(
    join(src, 'policy.rego'),
    'package mcp\n\ndecision := {"allow": input.principal.id in data.allowed, "reasons": [], "message": data.extra.note}\n',
  );
  writeFileSync(join(src, 'data.json'), JSON.stringify({ allowed: ['alice'] }));
  writeFileSync(join(src, 'extra', 'data.json'), JSON.stringify({ note: 'from the bundle' }));
  bundlePath = opaBuild([src], ['mcp/decision'], work, ['--revision', 'rev-42', '--bundle']);
}, 60_000);

afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(work, { recursive: true, force: true });
});

const config = (policy: Parameters<typeof loadEngine>[0]['policy'], dataFiles: string[] = []) => ({
  policy,
  dataFiles,
  entrypoint: 'mcp/decision',
  watch: false,
});

describe('loadPolicySource and loadEngine', () => {
  it('load the embedded policy, with the sha256 of the shipped module as revision', async () => {
    const source = await loadPolicySource({ kind: 'embedded' }, 'mcp/decision');
    expect(source.revision).toEqual({
      sha256: sha256Hex(readFileSync(EMBEDDED_POLICY_URL)),
      source: 'embedded',
    });
    const engine = await loadEngine(config({ kind: 'embedded' }));
    expect(engine.evaluate(policyInput()).allow).toBe(true);
  });

  it('load a .wasm file', async () => {
    const path = join(work, 'copy.wasm');
    copyFileSync(EMBEDDED_POLICY_URL, path);
    const engine = await loadEngine(config({ kind: 'wasm', path }));
    expect(engine.revision.source).toBe(path);
    expect(engine.evaluate(policyInput({ version: 9 })).reasons).toEqual([
      'unsupported_input_version',
    ]);
  });

  it('load an OPA bundle with its data files and manifest revision', async () => {
    const engine = await loadEngine(config({ kind: 'bundle', path: bundlePath }));
    expect(engine.revision).toEqual({
      sha256: sha256Hex(readFileSync(bundlePath)),
      bundleRevision: 'rev-42',
      source: bundlePath,
    });
    expect(engine.evaluate(policyInput())).toMatchObject({
      allow: true,
      message: 'from the bundle',
    });
    expect(
      engine.evaluate(policyInput({ principal: { id: 'bob', roles: [], attributes: {} } })).allow,
    ).toBe(false);
  });

  it('let --data files override bundle data', async () => {
    const data = join(work, 'override.json');
    writeFileSync(data, JSON.stringify({ allowed: ['bob'] }));
    const engine = await loadEngine(config({ kind: 'bundle', path: bundlePath }, [data]));
    expect(
      engine.evaluate(policyInput({ principal: { id: 'bob', roles: [], attributes: {} } })).allow,
    ).toBe(true);
    expect(engine.evaluate(policyInput()).allow).toBe(false);
  });

  it('compile a .rego file with the opa on PATH', async () => {
    process.env.PATH = pathWithOpa();
    const engine = await loadEngine(config({ kind: 'rego', path: fixturePolicy('deny-all') }));
    expect(engine.evaluate(policyInput())).toMatchObject({ allow: false, reasons: ['deny_all'] });
    expect(engine.revision.sha256).toBe(sha256Hex(readFileSync(fixturePolicy('deny-all'))));
  });

  it('explain how to get opa when a .rego policy is given and there is none on PATH or in the install cache', async () => {
    const savedCache = process.env.XDG_CACHE_HOME;
    process.env.PATH = join(work, 'empty-bin');
    process.env.XDG_CACHE_HOME = join(work, 'empty-cache');
    try {
      const load = loadEngine(config({ kind: 'rego', path: fixturePolicy('allow-all') }));
      await expect(load).rejects.toBeInstanceOf(PolicyLoadError);
      await expect(load).rejects.toThrow(
        /`--policy .*allow-all\.rego` is Rego, which needs the `opa` CLI, and there is none on PATH or in .*empty-cache\/mcp-opa-shim\/opa-v1\.22\.2\. Install it there with `GOBIN=.*empty-cache\/mcp-opa-shim\/opa-v1\.22\.2 go install github\.com\/open-policy-agent\/opa@v1\.22\.2`/,
      );
    } finally {
      process.env.PATH = savedPath;
      if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = savedCache;
    }
  });

  it('find the opa scripts/install-opa.sh installed when there is none on PATH', async () => {
    process.env.PATH = join(work, 'empty-bin');
    try {
      // The test machine's opa is in the install cache (test/policy/opa-cli.ts).
      const engine = await loadEngine(config({ kind: 'rego', path: fixturePolicy('deny-all') }));
      expect(engine.evaluate(policyInput())).toMatchObject({ allow: false, reasons: ['deny_all'] });
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('report Rego that does not compile, with the opa error', async () => {
    process.env.PATH = pathWithOpa();
    const path = join(work, 'broken.rego');
    writeFileSync(path, 'package mcp\n\ndecision := {\n');
    await expect(loadEngine(config({ kind: 'rego', path }))).rejects.toThrow(
      /Cannot compile `--policy .*broken\.rego`.*rego_parse_error/s,
    );
  });

  it('reject a corrupt .wasm file', async () => {
    const path = join(work, 'corrupt.wasm');
    writeFileSync(path, readFileSync(EMBEDDED_POLICY_URL).subarray(0, 1000));
    await expect(loadEngine(config({ kind: 'wasm', path }))).rejects.toThrow(
      /corrupt\.wasm is not a valid Wasm module/,
    );
  });

  it('reject a bundle that is not a gzipped tar, or has no policy.wasm', async () => {
    const junk = join(work, 'junk.tar.gz');
    writeFileSync(junk, 'definitely not gzip');
    await expect(loadEngine(config({ kind: 'bundle', path: junk }))).rejects.toThrow(
      /bundle `.*junk\.tar\.gz`: not a gzipped tar archive/,
    );
    const empty = join(work, 'empty.tar.gz');
    writeFileSync(empty, gzipSync(Buffer.alloc(1024)));
    await expect(loadEngine(config({ kind: 'bundle', path: empty }))).rejects.toThrow(
      /has no \/policy\.wasm/,
    );
  });

  it('name --policy and the path when the file does not exist', async () => {
    const missing = join(work, 'nope.wasm');
    await expect(loadEngine(config({ kind: 'wasm', path: missing }))).rejects.toThrow(
      /Cannot read `--policy` Wasm file `.*nope\.wasm`: .*ENOENT/,
    );
  });

  it('read bundles written by other tar tools', async () => {
    // GNU tar with ./-prefixed names, as `tar czf` of a directory gives.
    const dir = join(work, 'gnu');
    mkdirSync(dir, { recursive: true });
    copyFileSync(EMBEDDED_POLICY_URL, join(dir, 'policy.wasm'));
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ sampling: { allow: true } }));
    const path = join(work, 'gnu.tar.gz');
    execFileSync('tar', ['-czf', path, '-C', dir, '.']);
    const engine = await loadEngine(config({ kind: 'bundle', path }));
    const sampling = policyInput({
      direction: 'to_client',
      message: { kind: 'request', method: 'sampling/createMessage', id: 1 },
      operation: { type: 'sampling', name: 'sampling/createMessage', listing: false },
    });
    expect(engine.evaluate(sampling).allow).toBe(true);
  });

  it('validate bundle data and --data against the /data.schema.json a bundle ships', async () => {
    const dir = join(work, 'schema-bundle');
    mkdirSync(dir, { recursive: true });
    copyFileSync(EMBEDDED_POLICY_URL, join(dir, 'policy.wasm'));
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ sampling: { allow: false } }));
    writeFileSync(
      join(dir, 'data.schema.json'),
      JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        additionalProperties: false,
        properties: { sampling: { type: 'object', properties: { allow: { type: 'boolean' } } } },
      }),
    );
    const path = join(work, 'schema-bundle.tar.gz');
    execFileSync('tar', ['-czf', path, '-C', dir, '.']);
    const good = join(work, 'schema-good.json');
    writeFileSync(good, JSON.stringify({ sampling: { allow: true } }));
    await expect(loadEngine(config({ kind: 'bundle', path }, [good]))).resolves.toBeDefined();

    const typo = join(work, 'schema-typo.json');
    writeFileSync(typo, JSON.stringify({ sampeling: { allow: true } }));
    await expect(loadEngine(config({ kind: 'bundle', path }, [typo]))).rejects.toThrow(
      /Invalid `--data` file `.*schema-typo\.json` \(schema \/data\.schema\.json of `--policy` .*schema-bundle\.tar\.gz\)[^]*unknown key `sampeling` at the top level: did you mean `sampling`\?/,
    );
    // The bundle's own data.json is checked too, merged with --data.
    writeFileSync(join(dir, 'data.json'), JSON.stringify({ sampling: { allow: 'no' } }));
    execFileSync('tar', ['-czf', path, '-C', dir, '.']);
    await expect(loadEngine(config({ kind: 'bundle', path }))).rejects.toThrow(
      /`\/sampling\/allow` must be a boolean, got `"no"`/,
    );
  });

  it('reject a --data file the default policy does not understand, naming the file and key', async () => {
    const data = join(work, 'typo.yaml');
    writeFileSync(data, 'alowed_tools:\n  alice: [read_file]\n');
    await expect(loadEngine(config({ kind: 'embedded' }, [data]))).rejects.toThrow(
      /Invalid `--data` file `.*typo\.yaml`[^]*unknown key `alowed_tools`[^]*did you mean `allowed_tools`/,
    );
  });
});
