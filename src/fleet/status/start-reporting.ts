import { randomUUID } from 'node:crypto';
import type { DecisionSink } from '../../audit/auditor.js';
import type { SecretSet } from '../../secrets/secret-set.js';
import { decisionLogSink } from '../decision-logs/decision-log-sink.js';
import {
  createLogUploader,
  type LogUploader,
  type LogUploaderOptions,
} from '../decision-logs/log-uploader.js';
import type { ServiceTransport } from '../decision-logs/service-transport.js';
import type { BundleStatusSource } from './bundle-status.js';
import { stateFolder } from './state-file.js';
import { startStatusReporter, type StatusReporter } from './status-reporter.js';

/** Resolved `decision_logs` / `status` settings, as plain values (built from `--config`). */
export interface ReportingOptions {
  readonly configPath: string;
  readonly serverId: string;
  /** Config `labels`; `id` and `version` are added as OPA adds them. */
  readonly labels: Readonly<Record<string, string>>;
  readonly version: string;
  /** The uploader's settings from `decision_logs`; `console` says whether to echo to stderr. */
  readonly decisionLogs?: Omit<
    LogUploaderOptions,
    'console' | 'secrets' | 'onUploadResult' | 'random'
  > & { readonly console: boolean };
  readonly status?: {
    readonly transport: ServiceTransport;
    readonly resource: string;
    readonly intervalMs: number;
  };
  readonly bundles?: BundleStatusSource;
  /** `status.console: true`: each status report is also written to stderr. */
  readonly statusConsole?: boolean;
  /** The bundle name events carry in `bundles`. */
  readonly bundleName?: string;
  /** Where the state file goes (see state-file.ts); absent: no state file. */
  readonly stateDir?: string;
  readonly secrets: SecretSet;
  readonly stderr: NodeJS.WritableStream;
  readonly onError?: (message: string) => void;
}

export interface Reporting {
  /** For `createAuditor({ sink })`; absent when decision logs are off. */
  readonly sink?: DecisionSink;
  readonly uploader?: LogUploader;
  readonly status: StatusReporter;
  readonly labels: Readonly<Record<string, string>>;
  /** Last upload attempt within `graceMs`, final state file; never rejects. */
  close(graceMs: number): Promise<void>;
}

/** Default period of status reports besides the event-driven ones. */
export const STATUS_INTERVAL_MS = 60_000;

export function startReporting(options: ReportingOptions): Reporting {
  const labels = { ...options.labels, id: randomUUID(), version: options.version };
  // The uploader reports its outcomes to the status reporter, which reads the uploader's counters.
  const later: { status?: StatusReporter } = {};
  const logs = options.decisionLogs;
  const uploader =
    logs === undefined
      ? undefined
      : createLogUploader({
          ...(logs.transport === undefined ? {} : { transport: logs.transport }),
          resource: logs.resource,
          minDelayMs: logs.minDelayMs,
          maxDelayMs: logs.maxDelayMs,
          bufferLimit: logs.bufferLimit,
          uploadSizeLimitBytes: logs.uploadSizeLimitBytes,
          ...(logs.console ? { console: options.stderr } : {}),
          secrets: options.secrets,
          onUploadResult: (result) => {
            if (!result.ok) options.onError?.(result.error.message);
            later.status?.uploadAttempted();
          },
        });
  const target =
    logs?.transport === undefined ? 'console' : `${logs.transport.url}${logs.resource}`;
  const reporter = startStatusReporter({
    labels,
    ...(options.status === undefined
      ? {}
      : { transport: options.status.transport, resource: options.status.resource }),
    resource: options.status?.resource ?? '/status',
    intervalMs: options.status?.intervalMs ?? STATUS_INTERVAL_MS,
    ...(uploader === undefined ? {} : { uploader: { value: uploader, target } }),
    ...(options.bundles === undefined ? {} : { bundles: options.bundles }),
    ...(options.stateDir === undefined
      ? {}
      : { stateFolder: stateFolder(options.stateDir, options.configPath) }),
    ...(options.statusConsole === true ? { console: options.stderr } : {}),
    secrets: options.secrets,
    configPath: options.configPath,
    serverId: options.serverId,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  later.status = reporter;
  return {
    ...(uploader === undefined
      ? {}
      : {
          sink: decisionLogSink(uploader, {
            labels,
            ...(options.bundleName === undefined ? {} : { bundleName: options.bundleName }),
          }),
          uploader,
        }),
    status: reporter,
    labels,
    async close(graceMs) {
      await uploader?.close(graceMs);
      reporter.close();
    },
  };
}
