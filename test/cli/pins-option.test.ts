import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pinFileName } from '../../src/config/options/pins-options.js';
import { makeWorkspace, runConfig, type Workspace } from './parse-helpers.js';

let ws: Workspace;
beforeAll(() => {
  ws = makeWorkspace();
});

describe('--pins', () => {
  it('defaults to the server id’s file under XDG_STATE_HOME', () => {
    const config = runConfig(ws, ['--server-id', 'weather'], { XDG_STATE_HOME: '/state' });
    expect(config.pinsFile).toBe('/state/mcp-opa-shim/pins/weather.json');
  });

  it('falls back to ~/.local/state when XDG_STATE_HOME is unset or relative', () => {
    const expected = join(ws.home, '.local/state/mcp-opa-shim/pins/weather.json');
    expect(runConfig(ws, ['--server-id', 'weather']).pinsFile).toBe(expected);
    expect(runConfig(ws, ['--server-id', 'weather'], { XDG_STATE_HOME: 'relative' }).pinsFile).toBe(
      expected,
    );
  });

  it('takes a file from the option or MCP_OPA_SHIM_PINS, and off turns pinning off', () => {
    expect(runConfig(ws, ['--pins', 'pins/my.json']).pinsFile).toBe(join(ws.dir, 'pins/my.json'));
    expect(runConfig(ws, [], { MCP_OPA_SHIM_PINS: 'env.json' }).pinsFile).toBe(
      join(ws.dir, 'env.json'),
    );
    expect(runConfig(ws, ['--pins', 'off']).pinsFile).toBeUndefined();
    expect(runConfig(ws, [], { MCP_OPA_SHIM_PINS: 'OFF' }).pinsFile).toBeUndefined();
  });

  it('escapes a server id into one file name', () => {
    expect(pinFileName('team/github')).toBe('team%2Fgithub');
    expect(pinFileName('..')).toBe('%2E.');
    expect(pinFileName('a:b%c')).toBe('a%3Ab%25c');
  });
});
