import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetPolicy } from '../../src/fleet/bundles/start-fleet-policy.js';
import { fleetConfigYaml, startBundlePolicy, waitFor } from './helpers/fleet-setup.js';
import { Nginx } from './helpers/nginx.js';
import { buildBundle, decisionRego, OpaServer } from './helpers/opa-bundles.js';

interface Logged {
  readonly status: string;
  readonly inm: string;
  readonly prefer: string;
  readonly ua: string;
}

/**
 * The bundle server sees the shim as it sees OPA: with long polling configured, the same
 * `Prefer: wait=N` and `If-None-Match` headers; and when the server does not long-poll (nginx
 * answers `application/gzip`), both fall back to the polling delays instead of hammering it.
 */
describe('requests to the bundle server, the shim beside OPA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-requests-'));
  const nginx = new Nginx();
  const opa = new OpaServer();
  let shim: FleetPolicy;
  const WINDOW_MS = 4000;

  beforeAll(async () => {
    await nginx.start();
    nginx.publish('authz.tar.gz', buildBundle({ rego: decisionRego('r1'), revision: 'r1' }));
    const yaml = fleetConfigYaml({
      url: nginx.url,
      resource: 'authz.tar.gz',
      minDelay: 1,
      maxDelay: 2,
      longPollingTimeout: 5,
    });
    const configPath = join(dir, 'opa.yaml');
    writeFileSync(configPath, yaml);
    await opa.start(configPath);
    shim = await startBundlePolicy(yaml, configPath, { XDG_STATE_HOME: join(dir, 'state') });
    await waitFor('OPA to activate r1', async () => (await opa.bundleRevision('authz')) === 'r1');
  });

  afterAll(async () => {
    shim.engine.close();
    await Promise.all([opa.stop(), nginx.stop()]);
  });

  const requests = (agent: RegExp): Logged[] =>
    nginx.accessLog().flatMap((line) => {
      const match = /^(\d+) GET \/authz\.tar\.gz inm=(.*) prefer=(.*) ua=(.*) auth=/.exec(line);
      if (match === null || !agent.test(match[4] ?? '')) return [];
      return [
        { status: match[1] ?? '', inm: match[2] ?? '', prefer: match[3] ?? '', ua: match[4] ?? '' },
      ];
    });

  it('send the same conditional long-poll requests and fall back to the polling delay', async () => {
    const opaBefore = requests(/Open-Policy-Agent/).length;
    const shimBefore = requests(/mcp-opa-shim/).length;
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const fromOpa = requests(/Open-Policy-Agent/);
    const fromShim = requests(/mcp-opa-shim/);
    expect(fromOpa.length).toBeGreaterThan(0);
    // First request: no ETag yet, `wait=5`, 200. nginx answers application/gzip, not OPA's
    // long-poll type, so later requests drop `wait` and carry the ETag: 304.
    for (const list of [fromOpa, fromShim]) {
      expect(list[0]).toMatchObject({ status: '200', inm: '' });
      expect(list[0]?.prefer).toMatch(/^modes=snapshot(,delta)?;wait=5$/);
      expect(list.at(-1)).toMatchObject({ status: '304' });
      expect(list.at(-1)?.prefer).toMatch(/^modes=snapshot(,delta)?$/);
      expect(list.at(-1)?.inm).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    }
    expect(fromShim.at(-1)?.inm).toBe(fromOpa.at(-1)?.inm);
    // Not a long-polling server: at most one request per min_delay_seconds (1 s), plus one.
    const shimInWindow = fromShim.length - shimBefore;
    const opaInWindow = fromOpa.length - opaBefore;
    console.log(
      `requests in ${String(WINDOW_MS)} ms: shim ${String(shimInWindow)}, opa ${String(opaInWindow)}`,
    );
    expect(shimInWindow).toBeGreaterThan(0);
    expect(shimInWindow).toBeLessThanOrEqual(WINDOW_MS / 1000 + 1);
  });
});
