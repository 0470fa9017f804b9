import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineOption } from '../../src/config/option-specs.js';
import { parsePolicyArguments } from '../../src/config/parse-policy-arguments.js';
import { makeWorkspace, type Workspace } from '../cli/parse-helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});

const json = defineOption({
  name: 'json',
  kind: 'flag',
  group: 'Audit',
  summary: 'JSON output',
  fromEnv: false,
});
const usage = 'mcp-opa-shim audit replay';

describe('parsePolicyArguments', () => {
  it("takes policy options, roots, operands and the caller's own options in any order", () => {
    const parsed = parsePolicyArguments(
      [
        'a.jsonl',
        '--policy',
        'policy.wasm',
        '--root',
        'root',
        '--json',
        'b.jsonl',
        '--data',
        'data.json',
        '--',
        '--odd.jsonl',
      ],
      {},
      { usage, extraOptions: [json] },
      ws.context,
    );
    expect(parsed).toEqual({
      special: undefined,
      policy: {
        policy: { kind: 'wasm', path: join(ws.dir, 'policy.wasm') },
        dataFiles: [join(ws.dir, 'data.json')],
        entrypoint: 'mcp/decision',
        watch: false,
      },
      roots: [join(ws.dir, 'root')],
      operands: ['a.jsonl', 'b.jsonl', '--odd.jsonl'],
      extra: new Map([['json', [{ value: 'true', label: '`--json`' }]]]),
    });
  });

  it('falls back to the MCP_OPA_SHIM_* variables for policy options and roots', () => {
    const parsed = parsePolicyArguments(
      ['x.jsonl'],
      { MCP_OPA_SHIM_POLICY: 'policy.rego', MCP_OPA_SHIM_ROOT: 'root' },
      { usage },
      ws.context,
    );
    expect(parsed.special === undefined && [parsed.policy.policy, parsed.roots]).toEqual([
      { kind: 'rego', path: join(ws.dir, 'policy.rego') },
      [join(ws.dir, 'root')],
    ]);
  });

  it('answers --help without validating anything', () => {
    expect(
      parsePolicyArguments(['--policy', 'missing.wasm', '--help'], {}, { usage }, ws.context),
    ).toEqual({ special: 'help' });
  });

  it('rejects a bad policy option and an option that is not its own', () => {
    expect(() =>
      parsePolicyArguments(['--policy', 'missing.wasm'], {}, { usage }, ws.context),
    ).toThrow(
      `Expected \`--policy\` to be an existing .wasm, .tar.gz (OPA bundle) or .rego file, got \`missing.wasm\`. No such file: ${join(ws.dir, 'missing.wasm')}.`,
    );
    expect(() => parsePolicyArguments(['--json'], {}, { usage }, ws.context)).toThrow(
      'Unknown option `--json` for `mcp-opa-shim audit replay`. Run `mcp-opa-shim audit replay --help` for the options.',
    );
  });
});
