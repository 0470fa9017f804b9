import type { UploadError, UploaderCounters } from '../decision-logs/log-uploader.js';
import type { BundleStatus } from './bundle-status.js';

/**
 * The body OPA POSTs to `/status[/<partition_name>]` (plain JSON, not gzipped): `labels`,
 * `bundles`, `decision_logs` (`{}` after a good upload, the error otherwise), `metrics`
 * (Prometheus-style, as OPA's `metrics.prometheus`), `plugins` with each plugin's state.
 */
export interface StatusReport {
  readonly labels: Readonly<Record<string, string>>;
  readonly bundles?: Readonly<Record<string, BundleStatus>>;
  readonly decision_logs?: UploadError | Record<string, never>;
  /**
   * OPA 1.x puts its own counters in `metrics.prometheus` as plain numbers
   * (`"counter_decision_logs_chunks_uploaded": 1`) beside the Go runtime's Prometheus families;
   * the shim sends its counters the same way.
   */
  readonly metrics: { readonly prometheus: Readonly<Record<string, number>> };
  readonly plugins: Readonly<Record<string, { readonly state: 'OK' | 'NOT_READY' | 'ERROR' }>>;
}

export interface StatusInputs {
  readonly labels: Readonly<Record<string, string>>;
  readonly bundles?: Readonly<Record<string, BundleStatus>>;
  /** Absent when decision logs are not configured. */
  readonly decisionLogs?: UploaderCounters;
  /** Whether an upload has been tried yet: OPA sends `decision_logs` only after one. */
  readonly uploadTried?: boolean;
}

export function buildStatusReport(inputs: StatusInputs): StatusReport {
  const plugins: Record<string, { state: 'OK' | 'NOT_READY' | 'ERROR' }> = {
    status: { state: 'OK' },
  };
  const bundles = inputs.bundles ?? {};
  if (Object.keys(bundles).length > 0) {
    const failed = Object.values(bundles).some((bundle) => bundle.code !== undefined);
    const active = Object.values(bundles).every((bundle) => bundle.active_revision !== undefined);
    plugins['bundle'] = { state: active ? 'OK' : failed ? 'ERROR' : 'NOT_READY' };
  }
  const logs = inputs.decisionLogs;
  if (logs !== undefined) plugins['decision_logs'] = { state: 'OK' };
  return {
    labels: inputs.labels,
    ...(Object.keys(bundles).length > 0 ? { bundles } : {}),
    ...(logs !== undefined && inputs.uploadTried === true
      ? { decision_logs: logs.lastError ?? {} }
      : {}),
    metrics: { prometheus: logs === undefined ? {} : decisionLogMetrics(logs) },
    plugins,
  };
}

/** OPA's counter names where OPA has one; ours count events where OPA counts chunks or drops. */
function decisionLogMetrics(logs: UploaderCounters): Record<string, number> {
  return {
    counter_decision_logs_chunks_uploaded: logs.uploadedChunks,
    counter_decision_logs_events_uploaded: logs.uploadedEvents,
    counter_decision_logs_upload_failures: logs.failedUploads,
    counter_decision_logs_dropped_buffer_size_limit_exceeded: logs.droppedBufferFull,
    counter_decision_logs_dropped_upload_size_limit_exceeded: logs.droppedTooLarge,
    gauge_decision_logs_backlog_events: logs.backlog,
  };
}
