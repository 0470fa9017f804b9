import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, SHIM } from '../helpers/shim-process.js';

const readme = readFileSync(`${REPO}README.md`, 'utf8');

function runEval(args: string[]): { allow: boolean; reasons: string[] } {
  const run = spawnSync(process.execPath, [SHIM, 'eval', ...args], { cwd: REPO, encoding: 'utf8' });
  const decision = JSON.parse(run.stdout) as { allow: boolean; reasons: string[] };
  // eval exits 0 on allow and 1 on deny.
  expect(run.status).toBe(decision.allow ? 0 : 1);
  return decision;
}

describe('README', () => {
  it('shows a data file the default policy accepts (no invalid_data)', () => {
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(yaml).toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'readme-')), 'tiers.yaml');
    writeFileSync(file, yaml ?? '');
    const decision = runEval([
      '--data',
      file,
      '--input',
      'examples/deploy-approval/input-prod-developer.json',
    ]);
    expect(decision.reasons).not.toContain('invalid_data');
    expect(decision.reasons).toContain('argument_rule_role');
  });

  it('shows an eval command that runs and denies the prod deploy for the role rule', () => {
    const line = readme.split('\n').find((l) => l.startsWith('mcp-opa-shim eval '));
    expect(line).toBeDefined();
    const args = (line ?? '').split(' ').slice(2);
    const decision = runEval(args);
    // The rule's own reason, not a policy that failed closed (which also denies).
    expect(decision.allow).toBe(false);
    expect(decision.reasons).toContain('argument_rule_role');
    // The whole decision is the one the example directory records for this input.
    const input = args[args.indexOf('--input') + 1] ?? '';
    const expected = input.replace(/input-([^/]+)\.json$/, 'expected-$1.json');
    expect(expected).not.toBe(input);
    expect(decision).toEqual(JSON.parse(readFileSync(`${REPO}${expected}`, 'utf8')));
  });

  it('shows a claude_desktop_config.json entry that wraps the server after --', () => {
    const json = /```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? '{}';
    const config = JSON.parse(json) as {
      mcpServers: Record<string, { command: string; args: string[] }>;
    };
    const entry = Object.values(config.mcpServers)[0];
    expect(entry?.command).toBe('mcp-opa-shim');
    expect(entry?.args.indexOf('--')).toBeGreaterThan(0);
    expect(readme).toMatch(/claude mcp add \S+ -- mcp-opa-shim .* -- /);
  });
});
