import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleStateDir } from '../../src/fleet/bundles/bundle-state.js';
import type { BundleEvent } from '../../src/fleet/bundles/bundle-status.js';
import type { FleetPolicy } from '../../src/fleet/bundles/start-fleet-policy.js';
import { readOpaConfig } from '../../src/fleet/config/read-opa-config.js';
import {
  callInput,
  fleetConfigYaml,
  rsaKeys,
  startBundlePolicy,
  waitFor,
} from './helpers/fleet-setup.js';
import { Nginx } from './helpers/nginx.js';
import { buildBundle, decisionRego } from './helpers/opa-bundles.js';

/**
 * The bundle server misbehaves in every way the issue lists, in turn; the last good bundle keeps
 * deciding throughout, and a restarted shim with the server gone starts from the persisted copy.
 */
describe('bundle server failures keep the last good bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-failures-'));
  const env = { XDG_STATE_HOME: join(dir, 'state') };
  const nginx = new Nginx();
  const keys = rsaKeys(dir, 'fleet');
  const events: BundleEvent[] = [];
  let yaml: string;
  let shim: FleetPolicy;
  const sign = (revision: string, allowed: string[], key = keys.privatePath) =>
    buildBundle({
      rego: decisionRego(revision),
      data: { allowed_tools: allowed },
      revision,
      signingKey: key,
      keyId: 'fleet',
    });
  const failuresSince = (count: number) =>
    events.slice(count).flatMap((event) => (event.kind === 'failed' ? [event] : []));
  const start = async (firstBundleWaitMs?: number) =>
    startBundlePolicy(yaml, join(dir, 'opa.yaml'), env, {
      onBundleEvent: (event) => events.push(event),
      ...(firstBundleWaitMs === undefined ? {} : { firstBundleWaitMs }),
    });

  beforeAll(async () => {
    await nginx.start();
    nginx.publish('authz.tar.gz', sign('good', ['echo']));
    yaml = fleetConfigYaml({
      url: nginx.url,
      resource: '/authz.tar.gz',
      persist: true,
      signing: { keyid: 'fleet', publicPem: keys.publicPem },
    });
    shim = await start();
  });

  afterAll(async () => {
    shim.engine.close();
    await nginx.stop();
  });

  const expectGood = () => {
    expect(shim.engine.revision.bundleRevision).toBe('good');
    expect(shim.engine.evaluate(callInput('echo')).allow).toBe(true);
    expect(shim.engine.evaluate(callInput('rm')).message).toBe('denied by good');
  };

  it('activates the first bundle before start-up returns, and then polls with its ETag', async () => {
    expectGood();
    expect(events[0]).toMatchObject({ kind: 'activated', from: 'server' });
    await waitFor('a 304 answer to If-None-Match', () =>
      nginx
        .accessLog()
        .some((line) => /^304 GET \/authz\.tar\.gz inm="[0-9a-f]+-[0-9a-f]+"/.test(line)),
    );
    // nginx logs the 304 before the shim has read it: wait for the poller to report it too.
    await waitFor('the poller reporting the 304 as not modified', () =>
      events.some((event) => event.kind === 'not_modified'),
    );
  });

  it('keeps the last good bundle when the server answers 500', async () => {
    const seen = events.length;
    nginx.failWith500(true);
    await waitFor('a failed poll', () => failuresSince(seen).length > 0);
    nginx.failWith500(false);
    expect(failuresSince(seen)[0]).toMatchObject({ stage: 'download', httpCode: 500 });
    expect(shim.poller.status).toMatchObject({ code: 'bundle_error', httpCode: 500 });
    expectGood();
  });

  it('keeps the last good bundle when the server sends a corrupt archive', async () => {
    const seen = events.length;
    const corrupt = sign('corrupt', ['echo', 'rm']).subarray(0, 900);
    nginx.publish('authz.tar.gz', corrupt);
    await waitFor('a refused bundle', () => failuresSince(seen).length > 0);
    expect(failuresSince(seen)[0]).toMatchObject({ stage: 'activation' });
    expect(failuresSince(seen)[0]?.error).toMatch(/not a valid gzipped tar archive/);
    expectGood();
  });

  it('keeps the last good bundle when the bundle is signed by another key', async () => {
    const seen = events.length;
    nginx.publish(
      'authz.tar.gz',
      sign('forged', ['echo', 'rm'], rsaKeys(dir, 'other').privatePath),
    );
    await waitFor('a refused bundle', () => failuresSince(seen).length > 0);
    expect(failuresSince(seen)[0]?.error).toMatch(/signature does not verify with key `fleet`/);
    expectGood();
  });

  it('keeps the last good bundle when the server goes away', async () => {
    const seen = events.length;
    await nginx.stop();
    await waitFor('a failed download', () => failuresSince(seen).length > 0);
    expect(failuresSince(seen)[0]?.error).toMatch(/ECONNREFUSED/);
    expectGood();
  });

  it('starts offline from the persisted bundle, re-verified', async () => {
    const seen = events.length;
    const offline = await start(0);
    try {
      expect(events.slice(seen)[0]).toMatchObject({ kind: 'activated', from: 'disk' });
      expect(offline.engine.revision.bundleRevision).toBe('good');
      expect(offline.engine.evaluate(callInput('echo')).allow).toBe(true);
    } finally {
      offline.engine.close();
    }
  });

  it('refuses a persisted bundle changed on disk, and denies until a download', async () => {
    const fleet = readOpaConfig(yaml, join(dir, 'opa.yaml'), {});
    const bundle = fleet.bundles['authz']!;
    const saved = join(bundleStateDir(bundle, `${nginx.url}/authz.tar.gz`, env), 'bundle.tar.gz');
    writeFileSync(saved, sign('planted', ['echo', 'rm'], rsaKeys(dir, 'planted').privatePath));
    const seen = events.length;
    const offline = await start(300);
    try {
      // (The first shim, still running, reports its own failed polls meanwhile.)
      expect(failuresSince(seen).map((event) => event.error)).toContainEqual(
        expect.stringMatching(
          /the persisted bundle in .* was refused: the signature does not verify/,
        ),
      );
      expect(offline.engine.evaluate(callInput('echo')).allow).toBe(false);
    } finally {
      offline.engine.close();
    }
  });

  it('denies everything, saying why, when no bundle was ever had', async () => {
    const fresh = await startBundlePolicy(
      yaml,
      join(dir, 'opa.yaml'),
      { XDG_STATE_HOME: join(dir, 'empty-state') },
      { firstBundleWaitMs: 300 },
    );
    try {
      const decision = fresh.engine.evaluate(callInput('echo'));
      expect(decision.allow).toBe(false);
      expect(decision.message).toMatch(
        /No policy is active yet: the bundle `authz` has not been downloaded/,
      );
    } finally {
      fresh.engine.close();
    }
  });
});
