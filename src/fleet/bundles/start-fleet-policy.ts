import type { PolicyConfig } from '../../config/config.js';
import type { PolicyLogger } from '../../policy/create-policy-engine.js';
import type { PolicyEngine } from '../../core/decision.js';
import { fingerprintFiles, ReloadingEngine } from '../../policy/reloading-engine.js';
import { FleetConfigError, type FleetConfig } from '../config/fleet-config.js';
import { createServiceClient, displayUrl, serviceUrl } from '../http/service-client.js';
import { BundlePoller } from './bundle-poller.js';
import { bundleStateDir } from './bundle-state.js';
import type { BundleEvent } from './bundle-status.js';
import { PendingBundleEngine } from './pending-engine.js';

/**
 * How long the shim waits at start-up for a first bundle when none was persisted. After that the
 * server starts and every message is denied, with a message saying so, until a bundle arrives.
 */
export const FIRST_BUNDLE_WAIT_MS = 10_000;

export interface FleetPolicy {
  /** Evaluates with the active bundle; `close()` stops polling too. */
  readonly engine: PolicyEngine;
  readonly poller: BundlePoller;
}

export interface FleetPolicyOptions {
  readonly fleet: FleetConfig;
  /** `--policy`/`--rules` must be unset; `--data` and `--entrypoint` apply to the bundle. */
  readonly policy: PolicyConfig;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger?: PolicyLogger;
  /** Every bundle event (for status reports). */
  readonly onBundleEvent?: (event: BundleEvent) => void;
  readonly firstBundleWaitMs?: number;
}

/**
 * The policy engine of a shim whose `--config` names a bundle: the persisted last good bundle
 * (when `persist: true`) or the first download, then every newer revision swapped in as it
 * activates. Returns undefined when the config has no `bundles` (the local policy applies).
 */
export async function startFleetPolicy(
  options: FleetPolicyOptions,
): Promise<FleetPolicy | undefined> {
  const { fleet, policy, logger } = options;
  const bundles = Object.values(fleet.bundles);
  const [bundle, ...more] = bundles;
  if (bundle === undefined) return undefined;
  if (more.length > 0)
    throw new FleetConfigError(
      `Invalid \`--config\` file \`${fleet.fileName}\`: \`bundles\` has ${String(bundles.length)} entries; the shim evaluates one policy, so it supports one bundle. Keep one.`,
    );
  if (policy.policy.kind !== 'embedded')
    throw new FleetConfigError(
      `\`--config\` file \`${fleet.fileName}\` names the bundle \`${bundle.name}\` and \`--${policy.policy.kind === 'rules' ? 'rules' : 'policy'}\` names a local policy. Use one of them.`,
    );
  const service = fleet.services[bundle.service];
  if (service === undefined) throw new FleetConfigError(`No service \`${bundle.service}\`.`);
  const client = createServiceClient(service);
  const fullUrl = serviceUrl(service, bundle.resource);
  // Shown in logs, audit records and denials; the persisted copy is keyed by the full URL.
  const url = displayUrl(fullUrl);

  const pending = new PendingBundleEngine(bundle.name, url);
  const swappable = new ReloadingEngine(
    pending,
    () => Promise.resolve(pending),
    [],
    await fingerprintFiles([]),
  );
  const poller = new BundlePoller({
    client,
    source: {
      bundle,
      keys: fleet.keys,
      dataFiles: policy.dataFiles,
      entrypoint: policy.entrypoint,
      url,
    },
    ...(bundle.persist ? { persistDir: bundleStateDir(bundle, fullUrl.href, options.env) } : {}),
    activate: (engine) => {
      swappable.swap(engine);
    },
    onEvent: (event) => {
      logEvent(logger, event);
      options.onBundleEvent?.(event);
    },
  });
  await poller.loadPersisted();
  poller.start();
  const waitMs = options.firstBundleWaitMs ?? FIRST_BUNDLE_WAIT_MS;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    poller.firstActivation,
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    }),
  ]);
  clearTimeout(timer);
  if (swappable.revision === pending.revision)
    logger?.error(
      { bundle: bundle.name, url, waitedMs: waitMs },
      'no policy bundle is active; every message is denied until one is downloaded',
    );
  const engine: PolicyEngine = {
    get revision() {
      return swappable.revision;
    },
    evaluate: (input) => swappable.evaluate(input),
    maskRules: (input) => swappable.maskRules(input),
    shouldDrop: (input) => swappable.shouldDrop(input),
    close: () => {
      poller.stop();
      swappable.close();
    },
  };
  return { engine, poller };
}

function logEvent(logger: PolicyLogger | undefined, event: BundleEvent): void {
  switch (event.kind) {
    case 'activated':
      logger?.info(
        { bundle: event.bundle, from: event.from, policy: event.revision },
        'policy bundle activated',
      );
      return;
    case 'not_modified':
      return;
    case 'failed':
      // An error: the revision the platform team published is not in force here.
      logger?.error(
        { bundle: event.bundle, stage: event.stage, error: event.error, httpCode: event.httpCode },
        'policy bundle update failed; keeping the last good bundle',
      );
  }
}
