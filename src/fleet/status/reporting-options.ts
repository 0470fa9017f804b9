import { FleetConfigError, type FleetConfig } from '../config/fleet-config.js';
import { createServiceClient, type ServiceClient } from '../http/service-client.js';
import type { BufferLimit } from '../decision-logs/event-buffer.js';
import type { ServiceTransport } from '../decision-logs/service-transport.js';
import type { ReportingOptions } from './start-reporting.js';

/**
 * With no `buffer_size_limit_bytes`, OPA's buffer is unbounded; the shim keeps at most this many
 * events instead (the local audit log holds every one of them anyway).
 */
export const DEFAULT_BUFFER_LIMIT_EVENTS = 10_000;

/** The only mask/drop paths the shim evaluates: the entrypoints compiled into the policy. */
const MASK_PATHS = new Set(['system/log/mask', '/system/log/mask', 'data.system.log.mask']);
const DROP_PATHS = new Set(['system/log/drop', '/system/log/drop', 'data.system.log.drop']);

type Shared = Pick<
  ReportingOptions,
  'serverId' | 'version' | 'secrets' | 'stderr' | 'stateDir' | 'bundles' | 'onError'
>;

/** The decision-log and status settings of a `--config` file, resolved to plain values. */
export function reportingOptions(
  config: FleetConfig,
  configPath: string,
  shared: Shared,
): ReportingOptions {
  const clients = new Map<string, ServiceTransport>();
  const transportFor = (name: string): ServiceTransport => {
    let transport = clients.get(name);
    if (transport === undefined) {
      const service = config.services[name];
      if (service === undefined) throw new FleetConfigError(`No service named \`${name}\`.`);
      transport = serviceTransport(createServiceClient(service));
      clients.set(name, transport);
    }
    return transport;
  };
  const logs = config.decisionLogs;
  if (logs !== undefined) {
    checkPath(config, 'mask_decision', logs.maskDecision, MASK_PATHS);
    checkPath(config, 'drop_decision', logs.dropDecision, DROP_PATHS);
  }
  const limit = logs?.reporting.bufferSizeLimitBytes;
  const bufferLimit: BufferLimit =
    limit === undefined
      ? { kind: 'events', events: DEFAULT_BUFFER_LIMIT_EVENTS }
      : { kind: 'bytes', bytes: limit };
  const bundleNames = Object.keys(config.bundles);
  return {
    ...shared,
    configPath,
    labels: config.labels,
    ...(logs === undefined
      ? {}
      : {
          decisionLogs: {
            ...(logs.service === undefined ? {} : { transport: transportFor(logs.service) }),
            resource: logs.resource,
            minDelayMs: logs.reporting.minDelaySeconds * 1000,
            maxDelayMs: logs.reporting.maxDelaySeconds * 1000,
            bufferLimit,
            uploadSizeLimitBytes: logs.reporting.uploadSizeLimitBytes,
            console: logs.console,
          },
        }),
    ...(config.status?.service === undefined
      ? {}
      : {
          status: {
            transport: transportFor(config.status.service),
            resource: '/status',
            intervalMs: 60_000,
          },
        }),
    ...(config.status?.console === true ? { statusConsole: true } : {}),
    ...(bundleNames.length === 1 && bundleNames[0] !== undefined
      ? { bundleName: bundleNames[0] }
      : {}),
  };
}

/** The service client as the reporters' transport: POST, answered with a status. */
export function serviceTransport(client: ServiceClient): ServiceTransport {
  return {
    url: client.service.url,
    async post(resource, body, headers) {
      const response = await client.request({ method: 'POST', resource, headers, body });
      return response.status;
    },
  };
}

function checkPath(config: FleetConfig, key: string, value: string, allowed: Set<string>): void {
  if (allowed.has(value)) return;
  const wanted = key === 'mask_decision' ? 'system/log/mask' : 'system/log/drop';
  throw new FleetConfigError(
    `Invalid \`--config\` file \`${config.fileName}\`: \`decision_logs.${key}\` is \`${value}\`, but the shim evaluates only \`${wanted}\` (compiled into the policy's Wasm). Remove the key, or move the rule to \`${wanted}\`.`,
  );
}
