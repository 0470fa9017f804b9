import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { OPA_DIR, REPO, SHIM } from '../helpers/shim-process.js';

function runShim(args: readonly string[]) {
  const result = spawnSync(process.execPath, [SHIM, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The example command lines `eval --help` shows, taken from the built CLI's own output. */
function shownExamples(): string[][] {
  const help = runShim(['eval', '--help']).stdout;
  const examples = help.slice(help.indexOf('Examples'));
  return examples
    .split('\n')
    .filter((line) => line.startsWith('  mcp-opa-shim eval '))
    .map((line) => line.trim().split(/\s+/).slice(1));
}

describe('eval --help examples and exit status', () => {
  it('shows examples that run against files in the repository: 0 when allowed, 1 when denied', () => {
    const examples = shownExamples();
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const outcomes = examples.map((args) => {
      const { code, stdout, stderr } = runShim(args);
      expect(stderr, args.join(' ')).toBe('');
      const decision = JSON.parse(stdout) as { allow: boolean };
      expect(code, args.join(' ')).toBe(decision.allow ? 0 : 1);
      return decision.allow;
    });
    expect(outcomes).toContain(true);
    expect(outcomes).toContain(false);
  });

  it('exits 0 on a deny with --exit-zero, and still prints the decision', () => {
    const denied = shownExamples().find((args) => runShim(args).code === 1) ?? [];
    const { code, stdout } = runShim([...denied, '--exit-zero']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ allow: false });
  });
});
