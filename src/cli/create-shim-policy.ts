import type { ShimConfig } from '../config/config.js';
import type { FleetConfig } from '../fleet/config/fleet-config.js';
import type { BundlePoller } from '../fleet/bundles/bundle-poller.js';
import type { BundleEvent } from '../fleet/bundles/bundle-status.js';
import { createPolicyEngine, type PolicyLogger } from '../policy/create-policy-engine.js';
import type { PolicyEngine } from '../core/decision.js';

export interface ShimPolicy {
  readonly engine: PolicyEngine;
  /** The parsed `--config`, when given (decision logs, status and labels read it too). */
  readonly fleet?: FleetConfig;
  /** The bundle downloader, when `--config` names a bundle: its `status` feeds status reports. */
  readonly bundle?: BundlePoller;
}

/**
 * The shim's policy: the local `--policy` (hot-reloaded), or with `--config` naming a bundle,
 * the bundle downloaded from the fleet's bundle server. Throws (PolicyLoadError,
 * FleetConfigError) when neither can be had; the caller fails closed.
 */
export async function createShimPolicy(
  config: ShimConfig,
  env: Readonly<Record<string, string | undefined>>,
  logger: PolicyLogger,
  onBundleEvent?: (event: BundleEvent) => void,
): Promise<ShimPolicy> {
  if (config.fleetConfigFile === undefined)
    return { engine: await createPolicyEngine(config, logger) };
  // Fleet code loads only when used, like bundles and Rego.
  const [{ loadFleetConfig }, { startFleetPolicy }] = await Promise.all([
    import('../fleet/config/load-fleet-config.js'),
    import('../fleet/bundles/start-fleet-policy.js'),
  ]);
  const fleet = await loadFleetConfig(config.fleetConfigFile, env);
  const started = await startFleetPolicy({
    fleet,
    policy: config,
    env,
    logger,
    ...(onBundleEvent === undefined ? {} : { onBundleEvent }),
  });
  if (started === undefined) return { engine: await createPolicyEngine(config, logger), fleet };
  return { engine: started.engine, fleet, bundle: started.poller };
}
