import { describe, expect, it } from 'vitest';
import { FleetConfigError } from '../../src/fleet/config/fleet-config.js';
import { readOpaConfig } from '../../src/fleet/config/read-opa-config.js';

const FULL = `
services:
  acme:
    url: https://bundles.example.com/v1/
    headers: { X-Team: platform }
    credentials:
      bearer:
        token: \${ACME_TOKEN}
labels:
  team: platform
keys:
  global:
    algorithm: ES256
    key: PEM
bundles:
  authz:
    resource: bundles/authz.tar.gz
    persist: true
    polling: { min_delay_seconds: 5, max_delay_seconds: 10, long_polling_timeout_seconds: 30 }
    signing: { keyid: global, scope: write, exclude_files: [notes.txt] }
decision_logs:
  reporting: { min_delay_seconds: 1, max_delay_seconds: 2, buffer_size_limit_bytes: 1000 }
  mask_decision: /system/log/mask
status: {}
`;

function read(text: string, env: NodeJS.ProcessEnv = {}) {
  return readOpaConfig(text, 'opa.yaml', env);
}

describe('readOpaConfig', () => {
  it('parses the supported subset with OPA defaults and env substitution', () => {
    const config = read(FULL, { ACME_TOKEN: 's3cret' });
    expect(config.services['acme']).toEqual({
      name: 'acme',
      url: 'https://bundles.example.com/v1',
      headers: { 'X-Team': 'platform' },
      bearer: { token: 's3cret', scheme: 'Bearer' },
      responseHeaderTimeoutSeconds: 10,
    });
    expect(config.bundles['authz']).toEqual({
      name: 'authz',
      service: 'acme',
      resource: 'bundles/authz.tar.gz',
      persist: true,
      polling: { minDelaySeconds: 5, maxDelaySeconds: 10, longPollingTimeoutSeconds: 30 },
      signing: { keyid: 'global', scope: 'write', excludeFiles: ['notes.txt'] },
    });
    expect(config.keys['global']).toEqual({ id: 'global', algorithm: 'ES256', key: 'PEM' });
    expect(config.decisionLogs).toEqual({
      service: 'acme',
      resource: '/logs',
      reporting: {
        minDelaySeconds: 1,
        maxDelaySeconds: 2,
        bufferSizeLimitBytes: 1000,
        uploadSizeLimitBytes: 32768,
      },
      maskDecision: 'system/log/mask',
      dropDecision: 'system/log/drop',
      console: false,
    });
    expect(config.status).toEqual({ service: 'acme', console: false });
    expect(config.labels).toEqual({ team: 'platform' });
    expect(Object.isFrozen(config.bundles['authz']?.polling)).toBe(true);
  });

  it('accepts JSON and the list form of services, with OPA defaults for a bundle', () => {
    const config = read(
      JSON.stringify({
        services: [{ name: 'a', url: 'http://127.0.0.1:1' }],
        bundles: { b: {} },
      }),
    );
    expect(config.bundles['b']).toEqual({
      name: 'b',
      service: 'a',
      resource: 'bundles/b',
      persist: false,
      polling: { minDelaySeconds: 60, maxDelaySeconds: 120 },
    });
  });

  const errors: [string, string, RegExp][] = [
    [
      'an unknown key with a suggestion',
      'servces: {}',
      /unknown key `servces`.*did you mean `services`/,
    ],
    [
      'a nested unknown key',
      'services: { a: { url: "http://x", timeout: 3 } }',
      /unknown key `timeout` in `\/services\/a`/,
    ],
    [
      'an OPA setting the shim does not support',
      'services: { a: { url: "http://x", credentials: { oauth2: {} } } }',
      /`services\.a\.credentials\.oauth2` is an OPA setting that mcp-opa-shim does not support/,
    ],
    ['an OCI service', 'services: { a: { url: "http://x", type: oci } }', /`services\.a\.type`/],
    [
      'an unset variable',
      'services: { a: { url: "${NOPE}" } }',
      /`\$\{NOPE\}` names an environment variable that is not set/,
    ],
    [
      'a bundle naming a missing service',
      'services: { a: { url: "http://x" } }\nbundles: { b: { service: z } }',
      /`bundles\.b\.service` is `z`, which is not in `services` \(`a`\)/,
    ],
    [
      'an ambiguous service',
      'services: { a: { url: "http://x" }, c: { url: "http://y" } }\nbundles: { b: {} }',
      /`bundles\.b\.service` is missing and `services` has several/,
    ],
    [
      'a signing key that is not in keys',
      'services: { a: { url: "http://x" } }\nbundles: { b: { signing: { keyid: k } } }',
      /`bundles\.b\.signing\.keyid` is `k`, which is not in `keys`/,
    ],
    [
      'max delay below min delay',
      'services: { a: { url: "http://x" } }\nbundles: { b: { polling: { min_delay_seconds: 5, max_delay_seconds: 1 } } }',
      /`bundles\.b\.polling\.max_delay_seconds` \(1\) is below/,
    ],
    ['a non-http URL', 'services: { a: { url: "ftp://x" } }', /\/services\/a\/url/],
    [
      'both token and token_path',
      'services: { a: { url: "http://x", credentials: { bearer: { token: t, token_path: p } } } }',
      /needs exactly one of `token` or `token_path`/,
    ],
    ['a duplicate key', 'labels: { a: x, a: y }', /not valid YAML or JSON/],
  ];
  it.each(errors)('rejects %s, naming the key', (_name, text, message) => {
    expect(() => read(text)).toThrow(FleetConfigError);
    expect(() => read(text)).toThrow(message);
  });
});
