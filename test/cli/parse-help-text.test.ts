import { describe, expect, it } from 'vitest';
import { evalHelpText, helpText } from '../../src/cli/help-text.js';
import { EVAL_OPTIONS, RUN_OPTIONS, envNameOf } from '../../src/config/option-specs.js';

describe('the help text', () => {
  const text = helpText('9.9.9');

  it('lists every option the parser accepts, with its env var', () => {
    for (const spec of RUN_OPTIONS) {
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`  --${spec.name} `) || l.trimEnd() === `  --${spec.name}`);
      expect(line, `--${spec.name} is missing from --help`).toBeDefined();
      expect(text).toContain(`env ${envNameOf(spec)}`);
    }
    expect(text).toContain('--help');
    expect(text).toContain('--version');
  });

  it('documents every option the issues require, so none can silently leave the parser', () => {
    const required = [
      'policy',
      'data',
      'rules',
      'entrypoint',
      'env-file',
      'env-allow',
      'principal',
      'role',
      'attr',
      'server-id',
      'log-level',
      'log-format',
      'log-file',
      'max-frame-bytes',
      'max-frame-bytes-to-server',
      'max-frame-bytes-to-client',
      'root',
      'path-pointer',
      'path-base',
      'mode',
      'audit-log',
      'audit-stderr',
      'secret-env',
      'secret-pattern',
      'no-watch',
      'shutdown-grace-ms',
      'approval-timeout',
      'config',
      'pins',
      'state-dir',
    ];
    expect(RUN_OPTIONS.map((spec) => spec.name).sort()).toEqual([...required].sort());
    for (const name of required) expect(text).toMatch(new RegExp(`^  --${name}\\b`, 'm'));
  });

  it('shows the defaults that matter', () => {
    expect(text).toContain('default: mcp/decision');
    expect(text).toContain('default: enforce');
    expect(text).toContain('default: 10176KiB (10MiB - 64KiB: what SDK servers can read)');
    expect(text).toContain('default: info');
  });

  it('shows the shape, the subcommands, the version and an example', () => {
    expect(text).toContain('mcp-opa-shim 9.9.9');
    expect(text).toContain('mcp-opa-shim [options] -- <command> [args...]');
    expect(text).toContain('mcp-opa-shim eval --input <file|->');
    expect(text).toContain('mcp-opa-shim audit verify|roots|replay|summary');
    expect(text).toMatch(/Example:\n {2}mcp-opa-shim --principal/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('lists every eval option in the eval help', () => {
    const evalText = evalHelpText('9.9.9');
    for (const spec of EVAL_OPTIONS) expect(evalText).toContain(`  --${spec.name}`);
    expect(evalText).not.toContain('--principal');
  });
});
