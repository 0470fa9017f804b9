import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_OPTIONS, envNameOf } from '../../src/config/option-specs.js';
import { makeWorkspace, optionError, parse, runConfig, type Workspace } from './parse-helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});

describe('environment variables', () => {
  it('name every option MCP_OPA_SHIM_<UPPER_SNAKE>', () => {
    expect(envNameOf({ name: 'max-frame-bytes' })).toBe('MCP_OPA_SHIM_MAX_FRAME_BYTES');
    expect(RUN_OPTIONS.every((spec) => spec.fromEnv)).toBe(true);
  });

  it('set every option the command line leaves out', () => {
    const config = runConfig(ws, [], {
      MCP_OPA_SHIM_POLICY: 'policy.wasm',
      MCP_OPA_SHIM_DATA: 'data.json,data.yaml',
      MCP_OPA_SHIM_ENTRYPOINT: 'acme/decision',
      MCP_OPA_SHIM_MODE: 'monitor',
      MCP_OPA_SHIM_NO_WATCH: 'yes',
      MCP_OPA_SHIM_PRINCIPAL: 'ci-bot',
      MCP_OPA_SHIM_ROLE: 'ci_agent, read_only',
      MCP_OPA_SHIM_ATTR: '["team=infra","scopes=a,b"]',
      MCP_OPA_SHIM_SERVER_ID: 'jira',
      MCP_OPA_SHIM_ENV_FILE: 'one.env',
      MCP_OPA_SHIM_ENV_ALLOW: 'PATH,HOME',
      MCP_OPA_SHIM_SECRET_ENV: 'DB_URL',
      MCP_OPA_SHIM_SECRET_PATTERN: 'DSN',
      MCP_OPA_SHIM_ROOT: 'root',
      MCP_OPA_SHIM_PATH_POINTER: '/file',
      MCP_OPA_SHIM_LOG_LEVEL: 'debug',
      MCP_OPA_SHIM_LOG_FILE: 'logs/shim.log',
      MCP_OPA_SHIM_AUDIT_LOG: 'logs/audit.jsonl',
      MCP_OPA_SHIM_AUDIT_STDERR: 'TRUE',
      MCP_OPA_SHIM_MAX_FRAME_BYTES: '1MiB',
      MCP_OPA_SHIM_SHUTDOWN_GRACE_MS: '50',
    });
    expect(config).toMatchObject({
      policy: { kind: 'wasm', path: join(ws.dir, 'policy.wasm') },
      dataFiles: [join(ws.dir, 'data.json'), join(ws.dir, 'data.yaml')],
      entrypoint: 'acme/decision',
      mode: 'monitor',
      watch: false,
      principal: {
        id: 'ci-bot',
        roles: ['ci_agent', 'read_only'],
        attributes: { team: 'infra', scopes: 'a,b' },
      },
      serverId: 'jira',
      envFiles: [join(ws.dir, 'one.env')],
      envAllow: ['PATH', 'HOME'],
      secretEnv: ['DB_URL'],
      roots: [join(ws.dir, 'root')],
      pathPointers: ['/file'],
      logLevel: 'debug',
      logFile: join(ws.dir, 'logs/shim.log'),
      auditLog: join(ws.dir, 'logs/audit.jsonl'),
      auditStderr: true,
      maxFrameBytesToServer: 1024 * 1024,
      maxFrameBytesToClient: 1024 * 1024,
      shutdownGraceMs: 50,
    });
    expect(config.secretNamePatterns).toContain('DSN');
  });

  it('lose to the command line, and a repeatable option on the command line replaces the env list', () => {
    const config = runConfig(ws, ['--principal', 'alice', '--role', 'dev'], {
      MCP_OPA_SHIM_PRINCIPAL: 'ci-bot',
      MCP_OPA_SHIM_ROLE: 'ci_agent,read_only',
      MCP_OPA_SHIM_MODE: 'monitor',
    });
    expect([config.principal.id, config.principal.roles, config.mode]).toEqual([
      'alice',
      ['dev'],
      'monitor',
    ]);
  });

  it('count as unset when empty', () => {
    const config = runConfig(ws, [], { MCP_OPA_SHIM_MODE: '', MCP_OPA_SHIM_ROLE: '  ' });
    expect([config.mode, config.principal.roles]).toEqual(['enforce', []]);
  });

  it('accept 1/true/yes and 0/false/no for flags', () => {
    for (const on of ['1', 'true', 'yes', 'Yes']) {
      expect(runConfig(ws, [], { MCP_OPA_SHIM_AUDIT_STDERR: on }).auditStderr).toBe(true);
    }
    for (const off of ['0', 'false', 'no', 'NO']) {
      expect(runConfig(ws, [], { MCP_OPA_SHIM_AUDIT_STDERR: off }).auditStderr).toBe(false);
    }
  });

  it('reject another flag value, naming the variable', () => {
    expect(optionError(ws, [], { MCP_OPA_SHIM_AUDIT_STDERR: 'on' })).toBe(
      'Expected `MCP_OPA_SHIM_AUDIT_STDERR` to be a boolean, got `on`. Use `1`, `true` or `yes` to turn it on, `0`, `false` or `no` to turn it off.',
    );
  });

  it('name the variable when a value is invalid', () => {
    expect(optionError(ws, [], { MCP_OPA_SHIM_MAX_FRAME_BYTES: '-1' })).toBe(
      'Expected `MCP_OPA_SHIM_MAX_FRAME_BYTES` to be a positive integer, got `-1`. Give bytes, or a size like `64MiB` (units K/KiB, M/MiB, G/GiB).',
    );
    expect(optionError(ws, [], { MCP_OPA_SHIM_ROLE: 'a,\u0007' })).toBe(
      'Expected `MCP_OPA_SHIM_ROLE` to be a role name (non-empty, without control characters), got `\\u0007`.',
    );
  });

  it('reject a list that is neither comma-separated nor a JSON array of strings', () => {
    expect(optionError(ws, [], { MCP_OPA_SHIM_ROLE: '[1, 2]' })).toBe(
      'Expected `MCP_OPA_SHIM_ROLE` to be a comma-separated list or a JSON array of strings, got `[1, 2]`; write e.g. `a,b` or `["a","b"]`.',
    );
    expect(optionError(ws, [], { MCP_OPA_SHIM_ROLE: '["a"' })).toContain(
      'to be a comma-separated list or a JSON array of strings',
    );
  });

  it('that match no option come back as warnings, not errors', () => {
    const parsed = parse(ws, ['--', 'node'], {
      MCP_OPA_SHIM_POLCY: 'x',
      MCP_OPA_SHIM_MODE: 'monitor',
      OTHER: '1',
    });
    expect(parsed.kind === 'run' && parsed.warnings).toEqual([
      'Ignoring the environment variable `MCP_OPA_SHIM_POLCY`: no option has that name (see `mcp-opa-shim --help`).',
    ]);
  });

  it('do not turn on help or version', () => {
    const parsed = parse(ws, ['--', 'node'], { MCP_OPA_SHIM_HELP: '1', MCP_OPA_SHIM_VERSION: '1' });
    expect(parsed.kind).toBe('run');
  });
});

describe('the default principal', () => {
  it('is the OS user', () => {
    expect(runConfig(ws, [], { USER: 'env-user' }).principal.id).toBe('os-user');
  });

  it('falls back to USER, then LOGNAME, when the OS has no name for the account', () => {
    const noAccount = (): string => {
      throw new Error('ENOENT: no passwd entry');
    };
    const context = { ...ws.context, osUsername: noAccount };
    const config = (env: Record<string, string>) => {
      const parsed = parse({ ...ws, context }, ['--', 'node'], env);
      return parsed.kind === 'run' ? parsed.config.principal.id : undefined;
    };
    expect(config({ USER: 'u', LOGNAME: 'l' })).toBe('u');
    expect(config({ LOGNAME: 'l' })).toBe('l');
    expect(config({ LOGNAME: 'l', MCP_OPA_SHIM_PRINCIPAL: 'p' })).toBe('p');
  });

  it('is a usage error when no user can be found', () => {
    const context = { ...ws.context, osUsername: () => '' };
    expect(() => parse({ ...ws, context }, ['--', 'node'], {})).toThrow(
      'Could not determine the OS user for the default principal (no passwd entry, no `USER` or `LOGNAME`); pass `--principal <id>`.',
    );
  });
});

describe('--env-file values', () => {
  it('are loaded in order, later files winning, without touching process.env', () => {
    const parsed = parse(ws, ['--env-file', 'one.env', '--env-file', 'two.env', '--', 'node']);
    expect(parsed.kind === 'run' && parsed.envFileValues).toEqual({
      API_TOKEN: 'first',
      SHARED: 'two',
    });
    expect(process.env.API_TOKEN).toBeUndefined();
  });
});
