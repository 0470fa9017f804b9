import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, SHIM } from '../helpers/shim-process.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));

function run(config: string, extra: string[] = []) {
  const path = join(dir, `opa-${String(Math.random()).slice(2)}.yaml`);
  writeFileSync(path, config);
  return spawnSync(
    process.execPath,
    [SHIM, '--config', path, ...extra, '--', process.execPath, join(FIXTURES, 'echo-server.mjs')],
    { encoding: 'utf8', input: '', env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') } },
  );
}

/** The built CLI fails closed on a bad `--config`, before the server starts, naming the key. */
describe('mcp-opa-shim --config', () => {
  it('refuses an unknown key, naming it, with exit code 78 and nothing on stdout', () => {
    const result = run('services:\n  a:\n    url: http://127.0.0.1:1\nbundels: {}\n');
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(
      /unknown key `bundels` at the top level: did you mean `bundles`\?/,
    );
    expect(result.stdout).toBe('');
  });

  it('refuses an OPA setting the shim does not implement', () => {
    const result = run('services:\n  a:\n    url: http://127.0.0.1:1\n    type: oci\n');
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(
      /`services\.a\.type` is an OPA setting that mcp-opa-shim does not support/,
    );
  });

  it('refuses a bundle together with --policy', () => {
    const result = run('services:\n  a:\n    url: http://127.0.0.1:1\nbundles:\n  b: {}\n', [
      '--policy',
      join(FIXTURES, '..', '..', 'src', 'policy', 'embedded', 'policy.wasm'),
    ]);
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(
      /names the bundle `b` and `--policy` names a local policy\. Use one of them\./,
    );
  });

  it('refuses a missing file as a usage error', () => {
    const result = spawnSync(
      process.execPath,
      [SHIM, '--config', join(dir, 'nope.yaml'), '--', 'true'],
      {
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--config/);
  });
});
