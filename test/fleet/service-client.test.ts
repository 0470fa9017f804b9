import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOpaConfig } from '../../src/fleet/config/read-opa-config.js';
import {
  createServiceClient,
  displayUrl,
  serviceUrl,
} from '../../src/fleet/http/service-client.js';
import { Nginx } from './helpers/nginx.js';

describe('the service HTTP client', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-client-'));
  const nginx = new Nginx();

  beforeAll(async () => {
    await nginx.start();
    nginx.publish('file.txt', Buffer.from('hello'));
  });
  afterAll(() => nginx.stop());

  it('joins URL and resource as OPA does, and never shows credentials in URLs', () => {
    const service = readOpaConfig(
      'services: { a: { url: "https://u:p@cdn.example.com/v1/" } }',
      'c.yaml',
      {},
    ).services['a']!;
    expect(serviceUrl(service, '/bundles/b.tar.gz?sig=secret').href).toBe(
      'https://u:p@cdn.example.com/v1/bundles/b.tar.gz?sig=secret',
    );
    expect(displayUrl(serviceUrl(service, 'bundles/b.tar.gz?sig=secret'))).toBe(
      'https://cdn.example.com/v1/bundles/b.tar.gz',
    );
  });

  it('sends the configured headers and a bearer token read from token_path on every request', async () => {
    const tokenPath = join(dir, 'token');
    writeFileSync(tokenPath, 'first-token\n');
    const config = readOpaConfig(
      `services:\n  a:\n    url: ${nginx.url}\n    headers: { X-Team: platform }\n    credentials:\n      bearer:\n        token_path: token\n`,
      join(dir, 'opa.yaml'),
      {},
    );
    const client = createServiceClient(config.services['a']!);
    const first = await client.request({ method: 'GET', resource: 'file.txt' });
    expect(first.status).toBe(200);
    expect(first.body.toString()).toBe('hello');
    writeFileSync(tokenPath, 'rotated-token\n');
    await client.request({ method: 'GET', resource: 'file.txt' });
    const lines = await nginx.accessLogLines('/file.txt', 2);
    expect(lines[0]).toMatch(/auth=Bearer first-token team=platform$/);
    expect(lines[1]).toMatch(/auth=Bearer rotated-token team=platform$/);
  });

  it('refuses a response larger than the limit and reports a closed port', async () => {
    const config = readOpaConfig(`services: { a: { url: "${nginx.url}" } }`, 'c.yaml', {});
    const client = createServiceClient(config.services['a']!);
    await expect(
      client.request({ method: 'GET', resource: 'file.txt', maxResponseBytes: 2 }),
    ).rejects.toThrow(/exceeds 2 bytes/);
    const closed = createServiceClient(
      readOpaConfig('services: { a: { url: "http://127.0.0.1:9" } }', 'c.yaml', {}).services['a']!,
    );
    await expect(closed.request({ method: 'GET', resource: 'x' })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fails at start-up when tls.ca_cert cannot be read, naming the key', () => {
    const config = readOpaConfig(
      'services: { a: { url: "https://x", tls: { ca_cert: missing.pem } } }',
      join(dir, 'opa.yaml'),
      {},
    );
    expect(() => createServiceClient(config.services['a']!)).toThrow(
      /Cannot read `services\.a\.tls\.ca_cert` `.*missing\.pem`/,
    );
  });
});
