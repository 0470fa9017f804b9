import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';
import { validateData } from '../../src/policy/validate-data.js';
import { REPO } from '../helpers/shim-process.js';

function problems(data: unknown): string {
  try {
    validateData(data, '`--data` file `data.yaml`');
  } catch (thrown) {
    expect(thrown).toBeInstanceOf(PolicyLoadError);
    return (thrown as Error).message;
  }
  return '';
}

describe('validateData against the default policy schema', () => {
  it('accepts the data of every example that runs the default policy, and an empty document', () => {
    const examples = join(REPO, 'examples');
    let checked = 0;
    for (const dir of readdirSync(examples, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      // An example with its own policy.rego (fleet) replaces the default policy and its data schema.
      if (existsSync(join(examples, dir.name, 'policy.rego'))) continue;
      for (const name of ['data.yaml', 'data.json']) {
        let text: string;
        try {
          text = readFileSync(join(examples, dir.name, name), 'utf8');
        } catch {
          continue;
        }
        expect(problems(parse(text)), `${dir.name}/${name}`).toBe('');
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(5);
    expect(problems({})).toBe('');
  });

  it('rejects a mistyped top-level key and suggests the right one', () => {
    const message = problems({ alowed_tools: { '*': ['read_file'] } });
    expect(message).toContain('Invalid `--data` file `data.yaml`');
    expect(message).toContain('unknown key `alowed_tools` at the top level');
    expect(message).toContain('did you mean `allowed_tools`?');
  });

  it('rejects deny_tool inside a server entry and suggests deny_tools', () => {
    const message = problems({
      tiers: { dev: { servers: { fs: { deny_tool: ['write_file'] } } } },
    });
    expect(message).toContain('unknown key `deny_tool` in `/tiers/dev/servers/fs`');
    expect(message).toContain('did you mean `deny_tools`?');
    // The `false` branch of a server entry is not reported as a second problem.
    expect(message.split('\n')).toHaveLength(2);
  });

  it('rejects deny_tools at the tier level and says where it belongs', () => {
    const message = problems({ tiers: { dev: { deny_tools: ['write_file'], servers: {} } } });
    expect(message).toContain('unknown key `deny_tools` in `/tiers/dev`');
    expect(message).toContain('belongs in `/tiers/<key>/servers/<key>`');
    expect(message).toContain('allowed here: `read_only`, `servers`');
  });

  it('names the JSON path, the expected type and the value of a wrong type', () => {
    const message = problems({ allowed_tools: { alice: 'read_file' }, sampling: { allow: 'yes' } });
    expect(message).toContain('`/allowed_tools/alice` must be an array, got `"read_file"`');
    expect(message).toContain('`/sampling/allow` must be a boolean, got `"yes"`');
  });

  it('accepts false as a server entry and rejects true', () => {
    expect(problems({ tiers: { dev: { servers: { ddl: false } } } })).toBe('');
    expect(problems({ tiers: { dev: { servers: { ddl: true } } } })).toContain(
      '`/tiers/dev/servers/ddl` must be `false` or an object, got `true`',
    );
  });
});
