import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_NAME_PATTERNS } from '../../src/config/config.js';
import { makeWorkspace, optionError, runConfig, type Workspace } from './parse-helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});

describe('policy options', () => {
  it('takes the policy kind from the extension and stores an absolute path', () => {
    expect(runConfig(ws, ['--policy', 'policy.wasm']).policy).toEqual({
      kind: 'wasm',
      path: join(ws.dir, 'policy.wasm'),
    });
    expect(runConfig(ws, ['--policy', 'bundle.tar.gz']).policy).toEqual({
      kind: 'bundle',
      path: join(ws.dir, 'bundle.tar.gz'),
    });
    expect(runConfig(ws, ['--policy=bundle.tgz']).policy).toEqual({
      kind: 'bundle',
      path: join(ws.dir, 'bundle.tgz'),
    });
    expect(runConfig(ws, ['--policy', join(ws.dir, 'policy.rego')]).policy).toEqual({
      kind: 'rego',
      path: join(ws.dir, 'policy.rego'),
    });
  });

  it('uses the embedded policy when none is given', () => {
    expect(runConfig(ws, []).policy).toEqual({ kind: 'embedded' });
  });

  it('rejects a policy with an unknown extension', () => {
    expect(optionError(ws, ['--policy', 'policy.txt'])).toBe(
      'Expected `--policy` to be an existing .wasm, .tar.gz (OPA bundle) or .rego file, got `policy.txt`. The kind is taken from the extension.',
    );
  });

  it('rejects a policy file that does not exist', () => {
    expect(optionError(ws, ['--policy', 'missing.wasm'])).toBe(
      `Expected \`--policy\` to be an existing .wasm, .tar.gz (OPA bundle) or .rego file, got \`missing.wasm\`. No such file: ${join(ws.dir, 'missing.wasm')}.`,
    );
  });

  it('accepts repeated JSON and YAML data files in order', () => {
    expect(
      runConfig(ws, ['--data', 'data.yaml', '--data', 'data.json', '--data', 'extra.yml'])
        .dataFiles,
    ).toEqual([join(ws.dir, 'data.yaml'), join(ws.dir, 'data.json'), join(ws.dir, 'extra.yml')]);
  });

  it('rejects a data file that is not JSON or YAML, or is missing', () => {
    expect(optionError(ws, ['--data', 'policy.rego'])).toBe(
      'Expected `--data` to be an existing .json, .yaml or .yml file, got `policy.rego`. The format is taken from the extension.',
    );
    expect(optionError(ws, ['--data', 'nope.json'])).toBe(
      `Expected \`--data\` to be an existing .json, .yaml or .yml file, got \`nope.json\`. No such file: ${join(ws.dir, 'nope.json')}.`,
    );
  });

  it('rejects a data "file" that is a directory', () => {
    mkdirOnce(ws, 'dir.json');
    expect(optionError(ws, ['--data', 'dir.json'])).toBe(
      `Expected \`--data\` to be an existing .json, .yaml or .yml file, got \`dir.json\`. ${join(ws.dir, 'dir.json')} is not a regular file.`,
    );
  });

  it('defaults the entrypoint to mcp/decision and accepts other rule paths', () => {
    expect(runConfig(ws, []).entrypoint).toBe('mcp/decision');
    expect(runConfig(ws, ['--entrypoint', 'acme/mcp/allow_decision']).entrypoint).toBe(
      'acme/mcp/allow_decision',
    );
    expect(runConfig(ws, ['--entrypoint', 'data.acme.decision']).entrypoint).toBe('acme/decision');
  });

  it('rejects an entrypoint that is not a slash-separated rule path', () => {
    for (const bad of ['decision', 'mcp/', '/mcp/decision', 'mcp.decision', 'mcp/de-cision']) {
      expect(optionError(ws, ['--entrypoint', bad])).toBe(
        `Expected \`--entrypoint\` to be a rule path like \`mcp/decision\` (package path and rule, slash-separated), got \`${bad}\`.`,
      );
    }
  });

  it('watches by default and not with --no-watch', () => {
    expect(runConfig(ws, []).watch).toBe(true);
    expect(runConfig(ws, ['--no-watch']).watch).toBe(false);
    expect(runConfig(ws, ['--no-watch=false']).watch).toBe(true);
  });

  it('rejects a non-boolean --no-watch value', () => {
    expect(optionError(ws, ['--no-watch=maybe'])).toBe(
      'Expected `--no-watch` to be a boolean, got `maybe`. Use `1`, `true` or `yes` to turn it on, `0`, `false` or `no` to turn it off.',
    );
  });

  it('defaults to enforce mode and accepts monitor', () => {
    expect(runConfig(ws, []).mode).toBe('enforce');
    expect(runConfig(ws, ['--mode', 'monitor']).mode).toBe('monitor');
    expect(runConfig(ws, ['--mode', 'enforce']).mode).toBe('enforce');
  });

  it('rejects an unknown mode', () => {
    expect(optionError(ws, ['--mode', 'audit'])).toBe(
      'Expected `--mode` to be `enforce` or `monitor`, got `audit`.',
    );
  });
});

describe('identity options', () => {
  it('takes the principal, roles and attributes', () => {
    const { principal } = runConfig(ws, [
      '--principal',
      'alice',
      '--role',
      'dev',
      '--role',
      'release-admin',
      '--attr',
      'team=infra',
      '--attr',
      'scope=a=b',
    ]);
    expect(principal).toEqual({
      id: 'alice',
      roles: ['dev', 'release-admin'],
      attributes: { team: 'infra', scope: 'a=b' },
    });
  });

  it('defaults the principal to the OS user and has no roles or attributes', () => {
    expect(runConfig(ws, []).principal).toEqual({ id: 'os-user', roles: [], attributes: {} });
  });

  it('rejects an empty principal or role', () => {
    expect(optionError(ws, ['--principal='])).toBe(
      'Expected `--principal` to be a principal id (non-empty, without control characters), got ``.',
    );
    expect(optionError(ws, ['--role', 'a\nb'])).toBe(
      'Expected `--role` to be a role name (non-empty, without control characters), got `a\\nb`.',
    );
  });

  it('rejects an attribute without a key, and a repeated key', () => {
    expect(optionError(ws, ['--attr', 'team'])).toBe(
      'Expected `--attr` to be `key=value` with a key of letters, digits, `_`, `.`, `:` or `-`, got `team`. For example `--attr team=platform`.',
    );
    expect(optionError(ws, ['--attr', 'team=a', '--attr', 'team=b'])).toBe(
      'Expected `--attr` to be the only `team=…`, got `team=b`. Give each attribute key once.',
    );
  });

  it('keeps a __proto__ attribute as plain data', () => {
    const { attributes } = runConfig(ws, ['--attr', '__proto__=x']).principal;
    expect(Object.keys(attributes)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
  });

  it('takes --server-id, else derives it from the command', () => {
    expect(runConfig(ws, ['--server-id', 'github']).serverId).toBe('github');
    expect(runConfig(ws, []).serverId).toBe('server');
  });

  it('rejects an empty server id', () => {
    expect(optionError(ws, ['--server-id', ' '])).toBe(
      'Expected `--server-id` to be a server id (non-empty, without control characters), got ` `.',
    );
  });
});

describe('child environment options', () => {
  it('stores env files absolute, and the env allow-list only when given', () => {
    const config = runConfig(ws, [
      '--env-file',
      'one.env',
      '--env-allow',
      'PATH',
      '--env-allow',
      'HOME',
    ]);
    expect(config.envFiles).toEqual([join(ws.dir, 'one.env')]);
    expect(config.envAllow).toEqual(['PATH', 'HOME']);
    expect(runConfig(ws, []).envAllow).toBeUndefined();
  });

  it('rejects a missing env file', () => {
    expect(optionError(ws, ['--env-file', 'missing.env'])).toBe(
      `Expected \`--env-file\` to be an existing dotenv file, got \`missing.env\`. No such file: ${join(ws.dir, 'missing.env')}.`,
    );
  });

  it('rejects a variable name containing `=` in --env-allow and --secret-env', () => {
    expect(optionError(ws, ['--env-allow', 'A=B'])).toBe(
      'Expected `--env-allow` to be an environment variable name such as `GITHUB_TOKEN`, got `A=B`.',
    );
    expect(optionError(ws, ['--secret-env', ''])).toBe(
      'Expected `--secret-env` to be an environment variable name such as `GITHUB_TOKEN`, got ``.',
    );
  });

  it('adds --secret-pattern to the default patterns without duplicates', () => {
    const config = runConfig(ws, [
      '--secret-env',
      'DB_URL',
      '--secret-pattern',
      'DSN',
      '--secret-pattern',
      'token',
    ]);
    expect(config.secretEnv).toEqual(['DB_URL']);
    expect(config.secretNamePatterns).toEqual([...DEFAULT_SECRET_NAME_PATTERNS, 'DSN']);
  });

  it('rejects an empty secret pattern', () => {
    expect(optionError(ws, ['--secret-pattern='])).toBe(
      'Expected `--secret-pattern` to be a piece of a variable name such as `API` (non-empty, without control characters), got ``.',
    );
  });
});

describe('file root options', () => {
  it('stores roots absolute and realpath-resolved, once each', () => {
    const root = join(ws.dir, 'root');
    expect(
      runConfig(ws, ['--root', 'root', '--root', 'root-link', '--root', '~/projects']).roots,
    ).toEqual([root, join(ws.home, 'projects')]);
  });

  it('rejects a root that is missing or a file', () => {
    expect(optionError(ws, ['--root', 'nowhere'])).toBe(
      `Expected \`--root\` to be an existing directory, got \`nowhere\`. No such directory: ${join(ws.dir, 'nowhere')}.`,
    );
    expect(optionError(ws, ['--root', 'data.json'])).toBe(
      `Expected \`--root\` to be an existing directory, got \`data.json\`. ${join(ws.dir, 'data.json')} is not a directory.`,
    );
  });

  it('accepts RFC 6901 path pointers', () => {
    expect(
      runConfig(ws, ['--path-pointer', '/file', '--path-pointer', '/options/0/a~1b~0c'])
        .pathPointers,
    ).toEqual(['/file', '/options/0/a~1b~0c']);
  });

  it('rejects pointers that are not RFC 6901', () => {
    for (const bad of ['file', '/a~2', '/a~', '']) {
      expect(optionError(ws, [`--path-pointer=${bad}`])).toBe(
        `Expected \`--path-pointer\` to be a JSON pointer (RFC 6901) such as \`/file\` or \`/options/0/path\`, got \`${bad}\`. Start with \`/\`; write \`~0\` for \`~\` and \`~1\` for \`/\` inside a name.`,
      );
    }
  });
});

describe('logging and audit options', () => {
  it('defaults to info on stderr with no audit log', () => {
    const config = runConfig(ws, []);
    expect([config.logLevel, config.logFile, config.auditLog, config.auditStderr]).toEqual([
      'info',
      undefined,
      undefined,
      false,
    ]);
  });

  it('accepts every log level, a log file, an audit log and --audit-stderr', () => {
    for (const level of ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) {
      expect(runConfig(ws, ['--log-level', level]).logLevel).toBe(level);
    }
    const config = runConfig(ws, [
      '--log-file',
      'logs/shim.log',
      '--audit-log',
      'logs/audit.jsonl',
      '--audit-stderr',
    ]);
    expect([config.logFile, config.auditLog, config.auditStderr]).toEqual([
      join(ws.dir, 'logs/shim.log'),
      join(ws.dir, 'logs/audit.jsonl'),
      true,
    ]);
  });

  it('rejects an unknown log level', () => {
    expect(optionError(ws, ['--log-level', 'verbose'])).toBe(
      'Expected `--log-level` to be one of `fatal`, `error`, `warn`, `info`, `debug`, `trace`, `silent`, got `verbose`.',
    );
  });

  it('rejects a log file in a missing directory, and an audit log that is a directory', () => {
    expect(optionError(ws, ['--log-file', 'nodir/shim.log'])).toBe(
      `Expected \`--log-file\` to be a file path in an existing directory, got \`nodir/shim.log\`. Create ${join(ws.dir, 'nodir')} first.`,
    );
    expect(optionError(ws, ['--audit-log', 'logs'])).toBe(
      `Expected \`--audit-log\` to be a file path (missing directories are created), got \`logs\`. ${join(ws.dir, 'logs')} is a directory; name a file inside it.`,
    );
  });

  it('accepts an audit log in missing directories (created when the shim opens it), not under a file', () => {
    expect(runConfig(ws, ['--audit-log', 'new/deeper/audit.jsonl']).auditLog).toBe(
      join(ws.dir, 'new/deeper/audit.jsonl'),
    );
    writeFileSync(join(ws.dir, 'plain.txt'), '');
    expect(optionError(ws, ['--audit-log', 'plain.txt/sub/audit.jsonl'])).toBe(
      `Expected \`--audit-log\` to be a file path (missing directories are created), got \`plain.txt/sub/audit.jsonl\`. ${join(ws.dir, 'plain.txt')} is not a directory; choose a path under a directory.`,
    );
  });

  it('takes --log-format auto (the default), pretty or json, from argv or the environment', () => {
    expect(runConfig(ws, []).logFormat).toBe('auto');
    expect(runConfig(ws, ['--log-format', 'Pretty']).logFormat).toBe('pretty');
    expect(runConfig(ws, [], { MCP_OPA_SHIM_LOG_FORMAT: 'json' }).logFormat).toBe('json');
    expect(optionError(ws, ['--log-format', 'yaml'])).toBe(
      'Expected `--log-format` to be one of `auto`, `pretty`, `json`, got `yaml`.',
    );
  });

  it('rejects the same file for the audit log and the log', () => {
    expect(optionError(ws, ['--log-file', 'logs/x', '--audit-log', 'logs/x'])).toBe(
      `Expected \`--audit-log\` and \`--log-file\` to name different files, got \`${join(ws.dir, 'logs/x')}\` for both; give the audit trail its own file.`,
    );
  });
});

describe('limit options', () => {
  it('defaults each direction to the largest frame an SDK stdio transport reads (10 MiB - 64 KiB), and a 2000 ms grace', () => {
    const config = runConfig(ws, []);
    expect([config.maxFrameBytesToServer, config.maxFrameBytesToClient]).toEqual([
      10 * 1024 * 1024 - 64 * 1024,
      10 * 1024 * 1024 - 64 * 1024,
    ]);
    expect(config.shutdownGraceMs).toBe(2000);
  });

  it('accepts byte counts and binary size units; --max-frame-bytes sets both directions', () => {
    const both = (argv: string[]) => {
      const config = runConfig(ws, argv);
      return [config.maxFrameBytesToServer, config.maxFrameBytesToClient];
    };
    expect(both(['--max-frame-bytes', '1048576'])).toEqual([1048576, 1048576]);
    expect(both(['--max-frame-bytes', '16MiB'])).toEqual([16 * 1024 * 1024, 16 * 1024 * 1024]);
    expect(both(['--max-frame-bytes=512k'])).toEqual([512 * 1024, 512 * 1024]);
    expect(both(['--max-frame-bytes', '512MiB'])).toEqual([512 * 1024 * 1024, 512 * 1024 * 1024]);
  });

  it('lets a direction option override --max-frame-bytes for that direction only', () => {
    const config = runConfig(ws, [
      '--max-frame-bytes',
      '1MiB',
      '--max-frame-bytes-to-client',
      '64MiB',
    ]);
    expect([config.maxFrameBytesToServer, config.maxFrameBytesToClient]).toEqual([
      1024 * 1024,
      64 * 1024 * 1024,
    ]);
    const fromEnv = runConfig(ws, [], { MCP_OPA_SHIM_MAX_FRAME_BYTES_TO_SERVER: '2MiB' });
    expect([fromEnv.maxFrameBytesToServer, fromEnv.maxFrameBytesToClient]).toEqual([
      2 * 1024 * 1024,
      10 * 1024 * 1024 - 64 * 1024,
    ]);
  });

  it('rejects a bad direction limit naming its option, and a bad --max-frame-bytes even when both directions override it', () => {
    expect(optionError(ws, ['--max-frame-bytes-to-server', '0'])).toBe(
      'Expected `--max-frame-bytes-to-server` to be a positive integer, got `0`. Give bytes, or a size like `64MiB` (units K/KiB, M/MiB, G/GiB).',
    );
    expect(optionError(ws, ['--max-frame-bytes-to-client', '1GiB'])).toBe(
      'Expected `--max-frame-bytes-to-client` to be at most 512MiB (536870912 bytes), got `1GiB`.',
    );
    expect(
      optionError(ws, [
        '--max-frame-bytes',
        '10MB',
        '--max-frame-bytes-to-server',
        '1MiB',
        '--max-frame-bytes-to-client',
        '1MiB',
      ]),
    ).toContain('Expected `--max-frame-bytes` to be a positive integer, got `10MB`.');
  });

  it('rejects a frame limit that is not a positive size', () => {
    for (const bad of ['-1', '0', '1.5', '64MB', 'lots']) {
      expect(optionError(ws, ['--max-frame-bytes', bad])).toBe(
        `Expected \`--max-frame-bytes\` to be a positive integer, got \`${bad}\`. Give bytes, or a size like \`64MiB\` (units K/KiB, M/MiB, G/GiB).`,
      );
    }
  });

  it('rejects a frame limit above 512 MiB', () => {
    expect(optionError(ws, ['--max-frame-bytes', '1GiB'])).toBe(
      'Expected `--max-frame-bytes` to be at most 512MiB (536870912 bytes), got `1GiB`.',
    );
  });

  it('accepts a shutdown grace from 0 to 600000 ms and rejects others', () => {
    expect(runConfig(ws, ['--shutdown-grace-ms', '0']).shutdownGraceMs).toBe(0);
    expect(runConfig(ws, ['--shutdown-grace-ms', '600000']).shutdownGraceMs).toBe(600000);
    for (const bad of ['-5', '600001', '2s']) {
      expect(optionError(ws, ['--shutdown-grace-ms', bad])).toBe(
        `Expected \`--shutdown-grace-ms\` to be an integer number of milliseconds from 0 to 600000, got \`${bad}\`.`,
      );
    }
  });

  it('waits 120 s for an approval by default, takes 1 to 86400 s, and rejects others with the fix', () => {
    expect(runConfig(ws, []).approvalTimeoutMs).toBe(120_000);
    expect(runConfig(ws, ['--approval-timeout', '1']).approvalTimeoutMs).toBe(1000);
    expect(runConfig(ws, ['--approval-timeout', '86400']).approvalTimeoutMs).toBe(86_400_000);
    for (const bad of ['0', '86401', '2s', '-1', '1.5']) {
      expect(optionError(ws, ['--approval-timeout', bad])).toBe(
        `Expected \`--approval-timeout\` to be a whole number of seconds from 1 to 86400, got \`${bad}\`. Give how long the shim waits for a human's approval, e.g. \`120\`.`,
      );
    }
  });
});

describe('the configuration object', () => {
  it('is deeply frozen', () => {
    const config = runConfig(ws, ['--role', 'dev', '--attr', 'a=b']);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.principal.roles)).toBe(true);
    expect(Object.isFrozen(config.principal.attributes)).toBe(true);
    expect(Object.isFrozen(config.args)).toBe(true);
  });
});

function mkdirOnce(workspace: Workspace, name: string): void {
  mkdirSync(join(workspace.dir, name), { recursive: true });
}
