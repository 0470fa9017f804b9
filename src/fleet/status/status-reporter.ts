import type { SecretSet } from '../../secrets/secret-set.js';
import type { LogUploader } from '../decision-logs/log-uploader.js';
import type { ServiceTransport } from '../decision-logs/service-transport.js';
import type { BundleStatusSource } from './bundle-status.js';
import { decisionLogState, writeShimState, type ShimState } from './state-file.js';
import { buildStatusReport } from './status-report.js';

/**
 * Sends OPA status reports and keeps the state file current: on start, after every bundle poll
 * outcome and decision-log upload, and every `intervalMs`. Reports are coalesced (one in flight,
 * at most one queued) and never block the relay; a failed report is logged and the next trigger
 * sends the then-current state, as OPA does.
 */
export interface StatusReporterOptions {
  readonly labels: Readonly<Record<string, string>>;
  /** `status.service`; absent: only the state file is written. */
  readonly transport?: ServiceTransport;
  /** `/status`, or `/status/<partition_name>`. */
  readonly resource: string;
  readonly intervalMs: number;
  readonly uploader?: { readonly value: LogUploader; readonly target: string };
  readonly bundles?: BundleStatusSource;
  /** Folder for this config's state files; absent: none written. */
  readonly stateFolder?: string;
  /** `status.console: true`: each report is also written here as one JSON line. */
  readonly console?: NodeJS.WritableStream;
  /** Reports and the state file are scrubbed of these (an error message can quote a URL). */
  readonly secrets: SecretSet;
  readonly configPath: string;
  readonly serverId: string;
  readonly onError?: (message: string) => void;
}

export interface StatusReporter {
  /** Something changed: report it (coalesced). */
  trigger(): void;
  /** A decision-log upload was attempted: reports now carry `decision_logs`, as OPA's do. */
  uploadAttempted(): void;
  /** Number of reports the service accepted (2xx). */
  readonly accepted: number;
  /** Stops the timer and writes the state file one last time with `exited_at`. */
  close(): void;
}

export function startStatusReporter(options: StatusReporterOptions): StatusReporter {
  const startedAt = new Date().toISOString();
  let uploadTried = false;
  let accepted = 0;
  let sending: Promise<void> | undefined;
  let queued = false;
  let closed = false;

  const scrub = (json: string): string =>
    options.secrets.size === 0 ? json : options.secrets.scrubJson(json);
  const bundles = () => options.bundles?.current() ?? {};

  const writeState = (exited: boolean): void => {
    if (options.stateFolder === undefined) return;
    const now = new Date().toISOString();
    const state: ShimState = {
      format: 1,
      pid: process.pid,
      config: options.configPath,
      server_id: options.serverId,
      started_at: startedAt,
      updated_at: now,
      ...(exited ? { exited_at: now } : {}),
      bundles: bundles(),
      ...(options.uploader === undefined
        ? {}
        : {
            decision_logs: decisionLogState(
              options.uploader.target,
              options.uploader.value.counters(),
            ),
          }),
    };
    try {
      writeShimState(options.stateFolder, state, scrub);
    } catch (error) {
      options.onError?.(`cannot write the status file: ${String(error)}`);
    }
  };

  const report = () =>
    buildStatusReport({
      labels: options.labels,
      bundles: bundles(),
      ...(options.uploader === undefined
        ? {}
        : { decisionLogs: options.uploader.value.counters(), uploadTried }),
    });

  const send = async (transport: ServiceTransport, body: Buffer): Promise<void> => {
    try {
      const status = await transport.post(options.resource, body, {
        'Content-Type': 'application/json',
      });
      if (status >= 200 && status < 300) accepted += 1;
      else options.onError?.(`status report failed, server replied with HTTP ${String(status)}`);
    } catch (error) {
      options.onError?.(`status report failed: ${String(error)}`);
    }
  };

  const trigger = (): void => {
    if (closed) return;
    writeState(false);
    const transport = options.transport;
    if (sending !== undefined) {
      queued = true;
      return;
    }
    if (transport === undefined && options.console === undefined) return;
    const json = JSON.stringify(report());
    const body = scrub(json);
    options.console?.write(
      `{"level":"info","msg":"Status Log","type":"openpolicyagent.org/status",${body.slice(1)}\n`,
    );
    if (transport === undefined) return;
    sending = send(transport, Buffer.from(body)).finally(() => {
      sending = undefined;
      if (queued) {
        queued = false;
        trigger();
      }
    });
  };

  const unsubscribe = options.bundles?.onChange(trigger);
  const interval = setInterval(trigger, options.intervalMs);
  interval.unref();
  trigger();

  return {
    trigger,
    uploadAttempted() {
      uploadTried = true;
      trigger();
    },
    get accepted() {
      return accepted;
    },
    close() {
      if (closed) return;
      writeState(true);
      closed = true;
      clearInterval(interval);
      unsubscribe?.();
    },
  };
}
