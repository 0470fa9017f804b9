import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runEval } from '../../src/cli/eval-command.js';
import type { PolicyConfig } from '../../src/config/config.js';
import { policyInput } from './policy-fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'eval-command-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const embedded: PolicyConfig = {
  policy: { kind: 'embedded' },
  dataFiles: [],
  entrypoint: 'mcp/decision',
  watch: false,
};

async function evalWith(policyConfig: PolicyConfig, inputPath: string, stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await runEval({
    policyConfig,
    inputPath,
    stdin: Readable.from([stdinText]),
    stdout,
    stderr,
  });
  return { code, out, err };
}

describe('mcp-opa-shim eval', () => {
  it('prints the allow decision for an input file', async () => {
    const input = join(work, 'allow.json');
    writeFileSync(input, JSON.stringify(policyInput()));
    const { code, out, err } = await evalWith(embedded, input);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(out)).toEqual({
      allow: true,
      reasons: [],
      internal_message: 'allowed',
      obligations: {},
    });
    expect(out).toContain('\n  "allow": true');
  });

  it('prints a deny decision read from stdin, using --data', async () => {
    const data = join(work, 'data.yaml');
    writeFileSync(data, 'allowed_tools:\n  bob: [add]\n');
    const { code, out } = await evalWith(
      { ...embedded, dataFiles: [data] },
      '-',
      JSON.stringify(policyInput()),
    );
    // A deny exits 1, so scripts and CI can test a decision by the exit status.
    expect(code).toBe(1);
    expect(JSON.parse(out)).toMatchObject({ allow: false, reasons: ['tool_not_in_allow_list'] });
  });

  it('rejects input that is not a JSON object, naming --input', async () => {
    const { code, out, err } = await evalWith(embedded, '-', '[1, 2]');
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(/Expected `--input` `-` to hold a JSON object/);
  });

  it('reports an unreadable input file', async () => {
    const { code, err } = await evalWith(embedded, join(work, 'missing.json'));
    expect(code).toBe(2);
    expect(err).toMatch(/Cannot read `--input` file .*missing\.json/);
  });

  it('fails with a clear message when the policy cannot be loaded', async () => {
    const input = join(work, 'any.json');
    writeFileSync(input, JSON.stringify(policyInput()));
    const { code, out, err } = await evalWith(
      { ...embedded, policy: { kind: 'wasm', path: join(work, 'nope.wasm') } },
      input,
    );
    expect(code).not.toBe(0);
    expect(out).toBe('');
    expect(err).toMatch(/Cannot read `--policy` Wasm file/);
  });
});
