import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, parse, usageError, type Workspace } from './parse-helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});

const packageVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('the run shape', () => {
  it('takes everything after the first -- verbatim as the child command', () => {
    const parsed = parse(ws, [
      '--principal',
      'alice',
      '--',
      'npx',
      '-y',
      'pkg',
      '--',
      '--policy',
      'x',
      '--help',
    ]);
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.config.command).toBe('npx');
    expect(parsed.config.args).toEqual(['-y', 'pkg', '--', '--policy', 'x', '--help']);
    expect(parsed.config.principal.id).toBe('alice');
  });

  it('accepts the command without -- when it follows the options', () => {
    const parsed = parse(ws, ['--role', 'dev', 'node', 'server.js', '--role', 'child-arg']);
    expect(parsed.kind === 'run' && [parsed.config.command, ...parsed.config.args]).toEqual([
      'node',
      'server.js',
      '--role',
      'child-arg',
    ]);
    expect(parsed.kind === 'run' && parsed.config.principal.roles).toEqual(['dev']);
  });

  it('rejects a command line without a command', () => {
    const expected =
      'Expected a server command after the options, e.g. `mcp-opa-shim -- npx -y @modelcontextprotocol/server-everything`, got nothing. Run `mcp-opa-shim --help` for the options.';
    expect(usageError(ws, [])).toBe(expected);
    expect(usageError(ws, ['--principal', 'alice'])).toBe(expected);
    expect(usageError(ws, ['--principal', 'alice', '--'])).toBe(expected);
  });

  it('rejects an empty command', () => {
    expect(usageError(ws, ['--', ''])).toBe(
      'Expected a program name as the server command, got ``.',
    );
  });

  it('rejects an unknown option and suggests the near one', () => {
    expect(usageError(ws, ['--polcy', 'p.wasm', '--', 'node'])).toBe(
      'Unknown option `--polcy` for `mcp-opa-shim`. Did you mean `--policy`? Run `mcp-opa-shim --help` for the options; put the server command after `--`.',
    );
    expect(usageError(ws, ['-x', '--', 'node'])).toBe(
      'Unknown option `-x` for `mcp-opa-shim`. Run `mcp-opa-shim --help` for the options; put the server command after `--`.',
    );
  });

  it('rejects an option given twice that is not repeatable', () => {
    expect(usageError(ws, ['--principal', 'a', '--principal', 'b', '--', 'node'])).toBe(
      'Expected `--principal` at most once, got `a` and `b`; keep one.',
    );
  });

  it('rejects a value option with its value missing or replaced by another option', () => {
    expect(usageError(ws, ['--policy'])).toBe(
      'Expected `--policy` to be followed by a value <file>, got nothing. Write `--policy <file>`.',
    );
    expect(usageError(ws, ['--principal', '--role', 'dev', '--', 'node'])).toBe(
      'Expected `--principal` to be followed by a value <id>, got `--role`. Write `--principal=<value>` if the value really starts with `--`.',
    );
  });

  it('takes a value that starts with a single dash', () => {
    const parsed = parse(ws, ['--principal', '-svc', '--', 'node']);
    expect(parsed.kind === 'run' && parsed.config.principal.id).toBe('-svc');
  });

  it('rejects a subcommand placed after options', () => {
    expect(usageError(ws, ['--principal', 'a', 'eval', '--input', '-'])).toBe(
      'Expected the subcommand `eval` first, got it after options; write `mcp-opa-shim eval [options]` (or `mcp-opa-shim [options] -- eval` to wrap a program of that name).',
    );
    const parsed = parse(ws, ['--principal', 'a', '--', 'eval']);
    expect(parsed.kind === 'run' && parsed.config.command).toBe('eval');
  });
});

describe('help and version', () => {
  it('answers --help, -h and --version', () => {
    const help = parse(ws, ['--help']);
    expect(help.kind).toBe('help');
    expect(help.kind === 'help' && help.text).toContain(
      'mcp-opa-shim [options] -- <command> [args...]',
    );
    expect(parse(ws, ['--principal', 'a', '-h']).kind).toBe('help');
    expect(parse(ws, ['--version'])).toEqual({ kind: 'version', text: `${packageVersion}\n` });
  });

  it('leaves --help after -- to the child', () => {
    const parsed = parse(ws, ['--', 'node', '--help']);
    expect(parsed.kind === 'run' && parsed.config.args).toEqual(['--help']);
  });
});

describe('the eval subcommand', () => {
  it('takes --input and the policy options', () => {
    const parsed = parse(ws, [
      'eval',
      '--input',
      'input.json',
      '--policy',
      'policy.wasm',
      '--data',
      'data.json',
      '--entrypoint',
      'x/y',
    ]);
    expect(parsed).toEqual({
      kind: 'eval',
      inputPath: join(ws.dir, 'input.json'),
      exitZero: false,
      policy: {
        policy: { kind: 'wasm', path: join(ws.dir, 'policy.wasm') },
        dataFiles: [join(ws.dir, 'data.json')],
        entrypoint: 'x/y',
        watch: false,
      },
    });
  });

  it('reads stdin for --input - and uses the embedded policy by default', () => {
    const parsed = parse(ws, ['eval', '--input', '-']);
    expect(parsed.kind === 'eval' && [parsed.inputPath, parsed.policy.policy]).toEqual([
      '-',
      { kind: 'embedded' },
    ]);
  });

  it('takes policy options from the environment too', () => {
    const parsed = parse(ws, ['eval', '--input', '-'], { MCP_OPA_SHIM_POLICY: 'policy.rego' });
    expect(parsed.kind === 'eval' && parsed.policy.policy).toEqual({
      kind: 'rego',
      path: join(ws.dir, 'policy.rego'),
    });
  });

  it('rejects a missing --input, a missing input file, run-only options and operands', () => {
    expect(usageError(ws, ['eval'])).toBe(
      'Expected `--input <file|->` or `--from-audit <log.jsonl> --seq <n>` for `mcp-opa-shim eval`, got neither; give a JSON policy input file, `-` to read it from stdin, or a record of an audit log.',
    );
    expect(usageError(ws, ['eval', '--from-audit', 'gone.jsonl'])).toBe(
      'Expected `--from-audit <log.jsonl>` and `--seq <n>` together for `mcp-opa-shim eval`, got only `--from-audit`; the record\'s `seq` is in each line of the log.',
    );
    expect(usageError(ws, ['eval', '--from-audit', 'gone.jsonl', '--seq', '-1'])).toBe(
      'Expected `--seq` to be a record\'s `seq` (a whole number, 0 or more), got `-1`.',
    );
    const log = join(process.cwd(), 'examples/custom-rule/audit.jsonl');
    expect(usageError(ws, ['eval', '--input', '-', '--from-audit', log, '--seq', '1'])).toBe(
      'Expected one input for `mcp-opa-shim eval`, got both `--input` and `--from-audit`; drop one of them.',
    );
    expect(parse(ws, ['eval', '--from-audit', log, '--seq', '9'])).toMatchObject({
      kind: 'eval',
      inputPath: undefined,
      fromAudit: { path: log, seq: 9 },
    });
    expect(usageError(ws, ['eval', '--input', 'gone.json'])).toBe(
      `Expected \`--input\` to be an existing JSON file or \`-\` for stdin, got \`gone.json\`. No such file: ${join(ws.dir, 'gone.json')}.`,
    );
    expect(usageError(ws, ['eval', '--input', '-', '--principal', 'a'])).toBe(
      'Unknown option `--principal` for `mcp-opa-shim eval`. Run `mcp-opa-shim eval --help` for the options.',
    );
    expect(usageError(ws, ['eval', '--input', '-', 'extra'])).toBe(
      'Unexpected argument `extra` for `mcp-opa-shim eval`; run `mcp-opa-shim eval --help` for its options.',
    );
  });

  it('has its own help', () => {
    const parsed = parse(ws, ['eval', '--help']);
    expect(parsed.kind === 'help' && parsed.text).toContain('mcp-opa-shim eval --input <file|->');
  });
});

describe('the policy dev loop subcommands (init, test, build)', () => {
  it('pass their arguments through untouched, each to its own parser', () => {
    for (const kind of ['init', 'test', 'build'] as const) {
      const argv = ['my-policy', '-o', 'b.tar.gz', '--from-audit', 'log.jsonl'];
      expect(parse(ws, [kind, ...argv])).toEqual({ kind, argv });
    }
  });

  it('are refused after options, and wrap a program of that name after --', () => {
    expect(usageError(ws, ['--principal', 'a', 'test'])).toBe(
      'Expected the subcommand `test` first, got it after options; write `mcp-opa-shim test [options]` (or `mcp-opa-shim [options] -- test` to wrap a program of that name).',
    );
    expect(parse(ws, ['--', 'test', '-d', '/tmp'])).toMatchObject({
      kind: 'run',
      config: { command: 'test', args: ['-d', '/tmp'] },
    });
  });
});

describe('the audit subcommand', () => {
  it('passes its arguments through untouched', () => {
    const argv = ['replay', '--policy', 'whatever', 'log.jsonl', '--bogus', '--help'];
    expect(parse(ws, ['audit', ...argv])).toEqual({ kind: 'audit', argv });
  });
});
