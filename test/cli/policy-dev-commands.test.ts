import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../../src/policy/load-engine.js';
import { readTarGz } from '../../src/policy/read-tar.js';
import { FIXTURES, OPA_DIR, REPO, SHIM, ShimProcess } from '../helpers/shim-process.js';

// init, test and build through the built CLI, with the real opa (on PATH here).
const AUDIT_LOG = join(REPO, 'examples/custom-rule/audit.jsonl');
const WRITE_INPUT = join(REPO, 'examples/custom-rule/input-write.json');

let work: string;

function shim(args: readonly string[], cwd = work) {
  const result = spawnSync(process.execPath, [SHIM, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${OPA_DIR}:${process.env.PATH ?? ''}` },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh starter project in `work/<name>`. */
function project(name: string): string {
  const dir = join(work, name);
  expect(shim(['init', dir]).code).toBe(0);
  return dir;
}

const READ_ONLY_RULE = `package mcp.user

denials contains {"reason": "files_read_only", "message": "read-only"} if {
	input.operation.type == "tool"
	input.operation.name == "write_file"
	print("denying", input.operation.name, input.nothing_here)
}
`;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'policy-dev-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('init, test and build --help', () => {
  it('print their usage on stdout and exit 0', () => {
    for (const command of ['init', 'test', 'build']) {
      const result = shim([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage:\n  mcp-opa-shim ${command} [dir]`);
      expect(result.stderr).toBe('');
    }
  });

  it('reject an unknown option with exit 2, naming it', () => {
    const result = shim(['build', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(result.stderr).toContain('Run `mcp-opa-shim build --help`');
  });
});

describe('mcp-opa-shim init', () => {
  it('writes the starter, which passes its own tests, and refuses to overwrite', () => {
    const dir = join(work, 'fresh');
    const first = shim(['init', dir]);
    expect(first.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'data.yaml',
      'input.json',
      'rules.rego',
      'rules_test.rego',
    ]);
    writeFileSync(join(dir, 'rules.rego'), '# mine\npackage mcp.user\n');
    const again = shim(['init', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('Refusing to overwrite');
    expect(again.stderr).toContain('rules.rego');
    expect(readFileSync(join(dir, 'rules.rego'), 'utf8')).toBe('# mine\npackage mcp.user\n');
  });
});

describe('mcp-opa-shim test', () => {
  it('passes the starter, and fails (exit 1) on a failing test', () => {
    const dir = project('failing');
    const passed = shim(['test', dir]);
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toContain('PASS: 2/2');
    writeFileSync(
      join(dir, 'extra_test.rego'),
      'package mcp.user_test\n\ntest_wrong if {\n\tdata.mcp.decision.allow with input as {"version": 2}\n}\n',
    );
    const failed = shim(['test', dir]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('FAIL: 1/3');
  });

  it('gives the tests the data as the shim reads it: data.user, and an empty data file', () => {
    const dir = project('with-data');
    writeFileSync(join(dir, 'data.yaml'), 'user:\n  limit: 3\n');
    writeFileSync(
      join(dir, 'limit_test.rego'),
      'package mcp.user_test\n\ntest_limit if {\n\tdata.user.limit == 3\n}\n',
    );
    const read = shim(['test', dir]);
    expect(read.code, read.stdout + read.stderr).toBe(0);
    expect(read.stdout).toContain('PASS: 3/3');
    writeFileSync(join(dir, 'data.yaml'), '# nothing yet\n');
    const empty = shim(['test', dir]);
    expect(empty.stdout).toContain('FAIL: 1/3');
    expect(empty.stderr).not.toContain('error occurred during loading');
  });

  it("checks data.user against the project's user.schema.json, in test and in the built bundle", async () => {
    const dir = project('user-schema');
    writeFileSync(
      join(dir, 'user.schema.json'),
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer' } },
      }),
    );
    writeFileSync(join(dir, 'data.yaml'), 'user:\n  limt: 3\n');
    for (const command of [
      ['test', dir],
      ['build', dir, '-o', join(work, 'user.tar.gz')],
    ]) {
      const result = shim(command);
      expect(result.code).toBe(78);
      expect(result.stderr).toContain('unknown key `limt` in `/user`: did you mean `limit`?');
    }
    writeFileSync(join(dir, 'data.yaml'), 'user:\n  limit: 3\n');
    expect(shim(['test', dir]).code).toBe(0);
    const out = join(work, 'user.tar.gz');
    expect(shim(['build', dir, '-o', out]).code).toBe(0);
    const wrong = join(work, 'wrong-user.yaml');
    writeFileSync(wrong, 'user:\n  limit: many\n');
    await expect(
      loadEngine({
        policy: { kind: 'bundle', path: out },
        dataFiles: [wrong],
        entrypoint: 'mcp/decision',
        watch: false,
      }),
    ).rejects.toThrow('`/user/limit` must be an integer, got `"many"`');
  });

  it('stops (exit 78) on a mistyped data key, naming it and the fix', () => {
    const dir = project('typo');
    writeFileSync(join(dir, 'data.yaml'), 'alowed_tools: {}\n');
    const result = shim(['test', dir]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(
      'unknown key `alowed_tools` at the top level: did you mean `allowed_tools`?',
    );
  });

  it('--from-audit: exits 0 when every recorded decision is reproduced', () => {
    const dir = project('replay-same');
    const result = shim(['test', dir, '--from-audit', AUDIT_LOG]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(`15 audit case(s) from ${AUDIT_LOG}: 0 differ.`);
  });

  it('--from-audit: prints each decision the rules change and exits 1', () => {
    const dir = project('replay-changed');
    writeFileSync(join(dir, 'rules.rego'), READ_ONLY_RULE);
    const result = shim(['test', dir, '--from-audit', AUDIT_LOG]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `DIFF ${AUDIT_LOG}:10 seq 9 tools/call write_file /tmp/demo/projects/notes.txt (inside /tmp/demo/projects) (input was masked)\n` +
        '  recorded: allow\n' +
        '  now:      deny [files_read_only] "read-only"\n',
    );
    expect(result.stdout).toContain('15 audit case(s)');
    expect(result.stdout).toContain('1 differ.');
  });
});

describe('mcp-opa-shim build', () => {
  it('writes a bundle with a revision that the shim loads, schema and default policy included', async () => {
    const dir = project('built');
    writeFileSync(join(dir, 'rules.rego'), READ_ONLY_RULE);
    const out = join(work, 'built.tar.gz');
    const result = shim(['build', dir, '-o', out]);
    expect(result.code, result.stderr).toBe(0);
    const files = readTarGz(readFileSync(out));
    expect([...files.keys()].sort()).toEqual([
      '/.manifest',
      '/data.json',
      '/mcp-opa-shim/policy.rego',
      '/mcp-opa-shim/system-log.rego',
      '/policy.wasm',
      '/rules.rego',
    ]);
    const manifest = JSON.parse(files.get('/.manifest')?.toString() ?? '{}');
    expect(manifest.revision).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(manifest.metadata.mcp_opa_shim).toMatchObject({
      default_policy: true,
      rules: ['rules.rego'],
    });

    const engine = await loadEngine({
      policy: { kind: 'bundle', path: out },
      dataFiles: [],
      entrypoint: 'mcp/decision',
      watch: false,
    });
    expect(engine.revision.bundleRevision).toBe(manifest.revision);
    const input = JSON.parse(readFileSync(WRITE_INPUT, 'utf8'));
    expect(engine.evaluate(input)).toMatchObject({ allow: false, reasons: ['files_read_only'] });
    // The default policy is inside: a path outside the roots is still denied.
    const outside = JSON.parse(
      readFileSync(join(REPO, 'examples/custom-rule/input-traversal.json'), 'utf8'),
    );
    expect(engine.evaluate(outside)).toMatchObject({
      allow: false,
      reasons: ['path_outside_roots'],
    });

    // The schema travels in the manifest: a mistyped --data key stops the load.
    const typo = join(work, 'typo.yaml');
    writeFileSync(typo, 'disabled_method: []\n');
    await expect(
      loadEngine({
        policy: { kind: 'bundle', path: out },
        dataFiles: [typo],
        entrypoint: 'mcp/decision',
        watch: false,
      }),
    ).rejects.toThrow(
      'unknown key `disabled_method` at the top level: did you mean `disabled_methods`?',
    );
  });

  it('refuses rules outside package mcp.user and leaves no bundle (exit 78)', () => {
    const dir = project('widening');
    writeFileSync(join(dir, 'rules.rego'), 'package mcp\n\nsampling_allowed := true\n');
    const out = join(work, 'widening.tar.gz');
    const result = shim(['build', dir, '-o', out]);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('to declare `package mcp.user`, got `package mcp`');
    expect(readdirSync(work)).not.toContain('widening.tar.gz');
  });

  it('reports an opa compile error in the user file (exit 78)', () => {
    const dir = project('broken');
    writeFileSync(join(dir, 'rules.rego'), 'package mcp.user\n\ndenials contains {\n');
    const result = shim(['build', dir, '-o', join(work, 'broken.tar.gz')]);
    expect(result.code).toBe(78);
    expect(result.stderr).toMatch(/`opa build` failed for .*broken.*rules\.rego:\d+/s);
  });
});

describe('print() in Rego', () => {
  it('goes to eval stderr with the rule location, the decision alone on stdout', () => {
    const rules = join(work, 'print-rules.rego');
    writeFileSync(rules, READ_ONLY_RULE);
    const result = shim(['eval', '--rules', rules, '--input', WRITE_INPUT]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ reasons: ['files_read_only'] });
    expect(result.stderr).toBe('print-rules.rego:6: denying write_file <undefined>\n');
  });

  it("goes to the shim's debug log with its location, never to stdout", async () => {
    const dir = project('print-bundle');
    writeFileSync(join(dir, 'rules.rego'), READ_ONLY_RULE);
    const out = join(work, 'print.tar.gz');
    expect(shim(['build', dir, '-o', out]).code).toBe(0);
    const running = new ShimProcess([
      '--policy',
      out,
      '--log-level',
      'debug',
      '--',
      process.execPath,
      join(FIXTURES, 'echo-server.mjs'),
    ]);
    try {
      await running.initialize('2025-06-18', {});
      await running.request('tools/call', { name: 'write_file', arguments: { path: 'x' } });
      // The log line is written after the decision: wait for it.
      for (let i = 0; i < 50 && !running.stderr.includes('policy print()'); i++)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const line = running.stderr
        .split('\n')
        .filter((l) => l.includes('policy print()'))
        .map((l) => JSON.parse(l) as { level: number; print: unknown })[0];
      expect(line).toMatchObject({
        level: 20,
        print: { message: 'denying write_file <undefined>', location: 'rules.rego:6' },
      });
      expect(running.stdoutLines.join('\n')).not.toContain('denying');
    } finally {
      running.child.stdin.end();
      await running.exited;
    }
  });
});

describe('examples/custom-rule/README.md on its audit.jsonl', () => {
  it('runs the audit replay it shows: the write_file call would change, by the paths it acted on', () => {
    const readme = readFileSync(join(REPO, 'examples/custom-rule/README.md'), 'utf8');
    const shown = /`mcp-opa-shim (audit replay [^`]+)`/.exec(readme)?.[1] ?? '';
    expect(shown).toBe('audit replay --rules rules.rego audit.jsonl');
    const result = shim(shown.split(' '), join(REPO, 'examples/custom-rule'));
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^allow→deny +alice +tools\/call write_file +\/tmp\/demo\/projects\/notes\.txt \(inside \/tmp\/demo\/projects\) +\S+ +files_read_only/m,
    );
    expect(result.stdout).toContain('1 would change (1 allow→deny, 0 deny→allow).');
  });
});
