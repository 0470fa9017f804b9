import { resolve } from 'node:path';
import { shimVersion } from '../../config/shim-version.js';
import type { BundlePoller } from '../bundles/bundle-poller.js';
import type { BundleStatus as PollerStatus } from '../bundles/bundle-status.js';
import type { FleetConfig } from '../config/fleet-config.js';
import type { SecretSet } from '../../secrets/secret-set.js';
import type { BundleStatus, BundleStatusSource } from './bundle-status.js';
import { reportingOptions } from './reporting-options.js';
import { stateDirectory } from './state-file.js';
import { startReporting, type Reporting } from './start-reporting.js';

export interface ShimContext {
  readonly serverId: string;
  readonly secrets: SecretSet;
  readonly io: {
    readonly stderr: NodeJS.WritableStream;
    readonly env: Readonly<Record<string, string | undefined>>;
  };
  /** Upload and report failures are logged as warnings (never on stdout). */
  readonly getLogger: () => Promise<{ warn(details: object, message: string): void }>;
}

export interface ShimReporting extends Reporting {
  /** Pass every bundle event here: it is a status change. */
  bundleChanged(): void;
}

/** Decision logs, status reports and the state file of a shim started with `--config`. */
export function startShimReporting(
  fleet: FleetConfig,
  poller: BundlePoller | undefined,
  shim: ShimContext,
): ShimReporting {
  const listeners = new Set<() => void>();
  const bundles: BundleStatusSource | undefined =
    poller === undefined
      ? undefined
      : {
          current: () => ({ [poller.status.name]: opaBundleStatus(poller.status) }),
          onChange(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
          },
        };
  const reporting = startReporting(
    reportingOptions(fleet, resolve(fleet.fileName), {
      serverId: shim.serverId,
      version: shimVersion(),
      secrets: shim.secrets,
      stderr: shim.io.stderr,
      stateDir: stateDirectory(shim.io.env),
      ...(bundles === undefined ? {} : { bundles }),
      onError: (message) => {
        void shim.getLogger().then((logger) => {
          logger.warn({}, message);
        });
      },
    }),
  );
  return {
    ...reporting,
    close: (graceMs) => reporting.close(graceMs),
    bundleChanged() {
      for (const listener of listeners) listener();
    },
  };
}

/** The poller's state under OPA's status field names. */
function opaBundleStatus(status: PollerStatus): BundleStatus {
  const entries: [keyof BundleStatus, unknown][] = [
    ['name', status.name],
    ['active_revision', status.activeRevision],
    ['last_successful_activation', status.lastSuccessfulActivation],
    // The shim takes snapshot bundles only (no deltas).
    ['type', status.activeRevision === undefined ? undefined : 'snapshot'],
    ['last_successful_download', status.lastSuccessfulDownload],
    ['last_successful_request', status.lastSuccessfulRequest],
    ['last_request', status.lastRequest],
    ['code', status.code],
    ['message', status.message],
    ['errors', status.errors],
    // As OPA: the HTTP status goes with an error, not with a good download.
    ['http_code', status.code === undefined ? undefined : status.httpCode],
  ];
  return Object.fromEntries(
    entries.filter(([, value]) => value !== undefined),
  ) as unknown as BundleStatus;
}
