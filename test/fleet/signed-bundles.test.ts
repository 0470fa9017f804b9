import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleEvent } from '../../src/fleet/bundles/bundle-status.js';
import type { FleetPolicy } from '../../src/fleet/bundles/start-fleet-policy.js';
import {
  fleetConfigYaml,
  rsaKeys,
  startBundlePolicy,
  tamper,
  waitFor,
} from './helpers/fleet-setup.js';
import { Nginx } from './helpers/nginx.js';
import { buildBundle, decisionRego, OpaServer } from './helpers/opa-bundles.js';

/**
 * One signed bundle, served by a real nginx, judged by the shim and by a real `opa run --server`
 * reading the same configuration: both accept it, and both refuse it once tampered with,
 * unsigned, or signed by another key.
 */
describe('signed bundles, the shim beside a real OPA', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-signed-'));
  const nginx = new Nginx();
  const opa = new OpaServer();
  const events: BundleEvent[] = [];
  let shim: FleetPolicy;
  const keys = rsaKeys(dir, 'fleet');
  const sign = (revision: string, data: unknown, key = keys.privatePath) =>
    buildBundle({
      rego: decisionRego(revision),
      data,
      revision,
      signingKey: key,
      keyId: 'fleet',
    });

  beforeAll(async () => {
    await nginx.start();
    nginx.publish('authz.tar.gz', sign('rev1', { allowed_tools: ['echo'] }));
    const yaml = fleetConfigYaml({
      url: `${nginx.url}/`,
      resource: 'authz.tar.gz',
      signing: { keyid: 'fleet', publicPem: keys.publicPem },
    });
    const configPath = join(dir, 'opa.yaml');
    writeFileSync(configPath, yaml);
    await opa.start(configPath);
    shim = await startBundlePolicy(
      yaml,
      configPath,
      { XDG_STATE_HOME: join(dir, 'state') },
      { onBundleEvent: (event) => events.push(event) },
    );
  });

  afterAll(async () => {
    shim.engine.close();
    await Promise.all([opa.stop(), nginx.stop()]);
  });

  const failuresSince = (count: number) =>
    events.slice(count).flatMap((event) => (event.kind === 'failed' ? [event] : []));

  it('both activate the signed bundle', async () => {
    await waitFor(
      'OPA to activate rev1',
      async () => (await opa.bundleRevision('authz')) === 'rev1',
    );
    expect(shim.engine.revision.bundleRevision).toBe('rev1');
    expect(shim.poller.status.activeRevision).toBe('rev1');
  });

  const refusals: [string, () => Buffer, RegExp, RegExp][] = [
    [
      'a bundle changed after signing',
      () => tamper(sign('rev2', { allowed_tools: ['echo'] }), { allowed_tools: ['echo', 'rm'] }),
      /\/data\.json does not match its signed digest/,
      /Bundle load failed: data\.json: digest mismatch/,
    ],
    [
      'an unsigned bundle',
      () => buildBundle({ rego: decisionRego('rev3'), data: {}, revision: 'rev3' }),
      /not signed \(no \.signatures\.json\)/,
      /Bundle load failed: bundle missing \.signatures\.json file/,
    ],
    [
      'a bundle signed by another key',
      () => sign('rev4', {}, rsaKeys(dir, 'intruder').privatePath),
      /signature does not verify with key `fleet`/,
      /Bundle load failed: failed to verify JWT signature/,
    ],
  ];

  it.each(refusals)('both refuse %s and keep rev1', async (_name, make, shimError, opaError) => {
    const seen = events.length;
    const opaLogLength = opa.logs.length;
    nginx.publish('authz.tar.gz', make());
    await waitFor('the shim to refuse it', () =>
      failuresSince(seen).some((event) => shimError.test(event.error)),
    );
    await waitFor('OPA to refuse it', () => opaError.test(opa.logs.slice(opaLogLength)));
    expect(shim.engine.revision.bundleRevision).toBe('rev1');
    expect(await opa.bundleRevision('authz')).toBe('rev1');
    expect(shim.poller.status.code).toBe('bundle_error');
  });

  it('both move to a new correctly signed revision', async () => {
    nginx.publish('authz.tar.gz', sign('rev5', { allowed_tools: [] }));
    await waitFor(
      'OPA to activate rev5',
      async () => (await opa.bundleRevision('authz')) === 'rev5',
    );
    await waitFor(
      'the shim to activate rev5',
      () => shim.engine.revision.bundleRevision === 'rev5',
    );
    expect(shim.poller.status.code).toBeUndefined();
  });
});
