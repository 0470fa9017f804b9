import type { PolicyConfig } from '../config/config.js';
import type { PolicyEngine } from '../core/decision.js';
import { loadEngine } from './load-engine.js';
import type { PlanConstants } from './process-plan.js';
import type { PrintedLine } from './policy-print.js';
import { fingerprintFiles, ReloadingEngine, type ReloadEvent } from './reloading-engine.js';

/** What the engine logs: a pino logger fits. */
export interface PolicyLogger {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
  /** Rego `print()` lines, with the call's location, when given. */
  debug?(details: Record<string, unknown>, message: string): void;
}

/**
 * Loads the policy and data (throws PolicyLoadError when they cannot be loaded); with
 * `config.watch`, reloads them when the `--policy` or `--data` files change. Given the run's
 * principal and server (the shim's config), every load computes the default policy's plan for
 * them (process-plan.ts); a reload whose plan fails keeps the last good engine.
 */
export async function createPolicyEngine(
  config: PolicyConfig & Partial<PlanConstants>,
  logger?: PolicyLogger,
  onReload?: (event: ReloadEvent) => void,
): Promise<PolicyEngine> {
  const debug = logger?.debug?.bind(logger);
  const print =
    debug === undefined
      ? undefined
      : (line: PrintedLine) => {
          debug({ print: line }, 'policy print()');
        };
  const files = [
    ...(config.policy.kind === 'embedded'
      ? []
      : config.policy.kind === 'rules'
        ? config.policy.paths
        : [config.policy.path]),
    ...config.dataFiles,
  ];
  if (!config.watch || files.length === 0) return loadEngine(config, print);
  const fingerprint = await fingerprintFiles(files);
  const first = await loadEngine(config, print);
  return new ReloadingEngine(
    first,
    () => loadEngine(config, print),
    files,
    fingerprint,
    (event) => {
      if (event.ok) logger?.info({ policy: event.revision }, 'policy reloaded');
      else
        // An error, not a warning: the edit the user made is not in force.
        logger?.error(
          { policy: event.revision, error: event.error },
          'policy reload failed; keeping the last good version',
        );
      onReload?.(event);
    },
  );
}
