import { describe, expect, it } from 'vitest';
import { buildChildEnv, isShimSetting } from '../../src/child/build-child-env.js';

const received = {
  PATH: '/usr/bin',
  HOME: '/home/ada',
  GITHUB_TOKEN: 'from-client-config',
  MCP_OPA_SHIM_POLICY: 'policy.wasm',
  MCP_OPA_SHIM_LOG_LEVEL: 'debug',
  UNSET: undefined,
};

describe('buildChildEnv', () => {
  it('passes on what the shim received, minus its own MCP_OPA_SHIM_* settings', () => {
    expect(buildChildEnv({ received })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ada',
      GITHUB_TOKEN: 'from-client-config',
    });
  });

  it('adds env-file values, and keeps a received value when both set the same name', () => {
    const env = buildChildEnv({
      received,
      envFileValues: { DATABASE_URL: 'postgres://db', GITHUB_TOKEN: 'from-env-file' },
    });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://db',
      GITHUB_TOKEN: 'from-client-config',
    });
  });

  it('never passes a shim setting, even from an env file', () => {
    const env = buildChildEnv({ received, envFileValues: { MCP_OPA_SHIM_MODE: 'monitor' } });
    expect(Object.keys(env).filter(isShimSetting)).toEqual([]);
  });

  it('narrows received names to the allow-list but keeps env-file values', () => {
    const env = buildChildEnv({
      received,
      allow: ['PATH', 'MCP_OPA_SHIM_POLICY'],
      envFileValues: { API_KEY: 'k' },
    });
    expect(env).toEqual({ PATH: '/usr/bin', API_KEY: 'k' });
  });

  it('passes nothing received when the allow-list is empty', () => {
    expect(buildChildEnv({ received, allow: [] })).toEqual({});
  });
});
