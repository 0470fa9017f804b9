import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPA_DIR, REPO, SHIM } from '../helpers/shim-process.js';

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `mcp-opa-shim eval ... --input -` with `stdin` piped in. */
function evalStdin(args: readonly string[], stdin: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SHIM, 'eval', ...args, '--input', '-'], {
      cwd: REPO,
      env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}

const example = (file: string): string =>
  readFileSync(join(REPO, 'examples/deploy-approval', file), 'utf8');
const DATA = ['--data', 'examples/deploy-approval/data.yaml'];

describe('`mcp-opa-shim eval --input -` reads the policy input from stdin', () => {
  it('prints an allow for a staging deploy', async () => {
    const run = await evalStdin(DATA, example('input-staging.json'));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(example('expected-staging.json')));
    expect(JSON.parse(run.stdout)).toMatchObject({ allow: true });
  });

  it('prints a deny with both messages for a prod deploy without the role, and exits 1', async () => {
    const run = await evalStdin(DATA, example('input-prod-developer.json'));
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(example('expected-prod-developer.json')));
    expect(JSON.parse(run.stdout)).toMatchObject({ allow: false });
  });

  it('allows the same input without data: the rules come from --data', async () => {
    const run = await evalStdin([], example('input-prod-developer.json'));
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ allow: true, reasons: [] });
  });

  it('exits 2 with a message naming --input when stdin is not JSON', async () => {
    const run = await evalStdin(DATA, '{ not json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Expected `--input` `-` to be JSON');
  });
});
