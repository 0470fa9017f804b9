import { readFileSync } from 'node:fs';
import { defineOption } from '../config/option-specs.js';
import { optionContext } from '../config/option-context.js';
import { existingFile, single } from '../config/options/value-checks.js';
import type { Env } from '../config/read-env-options.js';
import { readOptionTokens } from '../config/read-option-tokens.js';
import { FleetConfigError, type FleetConfig } from '../fleet/config/fleet-config.js';
import { readOpaConfig } from '../fleet/config/read-opa-config.js';
import { serviceUrl } from '../fleet/http/service-client.js';
import { DEFAULT_BUFFER_LIMIT_EVENTS } from '../fleet/status/reporting-options.js';
import {
  readShimStates,
  stateDirectory,
  stateFolder,
  type FoundState,
} from '../fleet/status/state-file.js';
import { UsageError, USAGE_EXIT_CODE } from '../config/usage-error.js';

export interface StatusIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  readonly env: Env;
}

const CONFIG_OPTION = defineOption({
  name: 'config',
  valueName: '<file>',
  fromEnv: false,
  group: 'Status',
  summary: 'the OPA configuration file the shims were started with',
});
const JSON_OPTION = defineOption({
  name: 'json',
  kind: 'flag',
  fromEnv: false,
  group: 'Status',
  summary: 'print JSON instead of text',
});

export const STATUS_USAGE = `Usage:
  mcp-opa-shim status --config <file> [--json]
      What the OPA configuration resolves to (services, bundles, decision-log and status
      targets, labels) and, for every shim started with it, what it last wrote to its state
      file: active bundle revision, last poll, decision-log backlog, uploads and drops.
      State files: $XDG_STATE_HOME/mcp-opa-shim/status/ (default ~/.local/state/...).
`;

/** `mcp-opa-shim status`: exit 0, or 2 for bad usage or an invalid config file. */
export function runStatus(argv: readonly string[], io: StatusIo): number {
  try {
    const tokens = readOptionTokens(argv, [CONFIG_OPTION, JSON_OPTION], {
      positionals: 'reject',
      usage: 'mcp-opa-shim status',
    });
    if (tokens.special !== undefined) {
      io.stdout.write(STATUS_USAGE);
      return 0;
    }
    const rawConfig = single(tokens.options, 'config');
    if (rawConfig === undefined) {
      throw new UsageError(
        'Expected `--config <file>` for `mcp-opa-shim status`, got nothing; give the OPA configuration file the shims run with.',
      );
    }
    const path = existingFile(rawConfig, optionContext(io.env), 'an OPA configuration file');
    // The shims get `${VAR}` values (tokens) from the MCP client's env, which this shell may lack:
    // an unset one stays as written; `status` prints no credential anyway.
    const env = new Proxy(io.env, {
      get: (target, name) =>
        typeof name === 'string' ? (target[name] ?? `\${${name}}`) : undefined,
    }) as NodeJS.ProcessEnv;
    const config = readOpaConfig(readFileSync(path, 'utf8'), path, env);
    const states = readShimStates(stateFolder(stateDirectory(io.env), path));
    io.stdout.write(
      single(tokens.options, 'json') === undefined
        ? renderStatus(config, path, states)
        : `${JSON.stringify({ config: describeConfig(config, path), shims: states }, null, 2)}\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof UsageError || error instanceof FleetConfigError)) throw error;
    io.stderr.write(`mcp-opa-shim: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
}

/** What the config resolves to, without credentials: URLs, resources, delays, limits. */
export function describeConfig(config: FleetConfig, path: string) {
  const url = (service: string | undefined, resource: string): string | undefined => {
    const found = service === undefined ? undefined : config.services[service];
    return found === undefined ? undefined : serviceUrl(found, resource).href;
  };
  const logs = config.decisionLogs;
  return {
    file: path,
    labels: config.labels,
    services: Object.fromEntries(
      Object.values(config.services).map((service) => [
        service.name,
        {
          url: service.url,
          ...(service.bearer === undefined ? {} : { credentials: 'bearer' }),
          ...(service.caCertPath === undefined ? {} : { ca_cert: service.caCertPath }),
        },
      ]),
    ),
    bundles: Object.fromEntries(
      Object.values(config.bundles).map((bundle) => [
        bundle.name,
        {
          url: url(bundle.service, bundle.resource),
          polling: `${String(bundle.polling.minDelaySeconds)}-${String(bundle.polling.maxDelaySeconds)} s${bundle.polling.longPollingTimeoutSeconds === undefined ? '' : `, long polling ${String(bundle.polling.longPollingTimeoutSeconds)} s`}`,
          signed: bundle.signing !== undefined,
          persist: bundle.persist,
        },
      ]),
    ),
    ...(logs === undefined
      ? {}
      : {
          decision_logs: {
            upload: url(logs.service, logs.resource) ?? null,
            console: logs.console,
            reporting: `${String(logs.reporting.minDelaySeconds)}-${String(logs.reporting.maxDelaySeconds)} s`,
            buffer:
              logs.reporting.bufferSizeLimitBytes === undefined
                ? `${String(DEFAULT_BUFFER_LIMIT_EVENTS)} events`
                : `${String(logs.reporting.bufferSizeLimitBytes)} bytes`,
            upload_size_limit_bytes: logs.reporting.uploadSizeLimitBytes,
          },
        }),
    ...(config.status === undefined
      ? {}
      : {
          status: {
            report: url(config.status.service, '/status') ?? null,
            console: config.status.console,
          },
        }),
  };
}

function renderStatus(config: FleetConfig, path: string, states: readonly FoundState[]): string {
  const described = describeConfig(config, path);
  const lines = [`config: ${path}`];
  const labels = Object.entries(described.labels);
  lines.push(
    `labels: ${labels.length === 0 ? '(none)' : labels.map(([k, v]) => `${k}=${v}`).join(' ')}`,
  );
  lines.push('services:');
  for (const [name, service] of Object.entries(described.services))
    lines.push(`  ${name}: ${service.url}${'credentials' in service ? ' (bearer token)' : ''}`);
  lines.push('bundles:');
  for (const [name, bundle] of Object.entries(described.bundles))
    lines.push(
      `  ${name}: ${bundle.url ?? '?'} (polling ${bundle.polling}${bundle.signed ? ', signed' : ''}${bundle.persist ? ', persisted' : ''})`,
    );
  if (Object.keys(described.bundles).length === 0) lines.push('  (none)');
  const logs = described.decision_logs;
  lines.push(
    logs === undefined
      ? 'decision_logs: (off)'
      : `decision_logs: ${logs.upload ?? '(no upload)'}${logs.console ? ' + console (stderr)' : ''} (reporting ${logs.reporting}, buffer ${logs.buffer})`,
  );
  const status = described.status;
  lines.push(
    status === undefined
      ? 'status: (off)'
      : `status: ${status.report ?? '(no upload)'}${status.console ? ' + console (stderr)' : ''}`,
  );
  lines.push('');
  if (states.length === 0) lines.push('shims: none has written a state file for this config');
  else lines.push(`shims (${String(states.length)}):`);
  for (const { state, running } of states) {
    const how = running ? 'running' : state.exited_at === undefined ? 'gone' : 'exited';
    lines.push(
      `  pid ${String(state.pid)} ${how}, server ${state.server_id}, started ${state.started_at}, updated ${state.updated_at}`,
    );
    for (const bundle of Object.values(state.bundles)) {
      lines.push(
        `    bundle ${bundle.name}: revision ${bundle.active_revision ?? '(none active)'}, last poll ${bundle.last_request ?? '(never)'}${bundle.message === undefined ? '' : `, error: ${bundle.message}`}`,
      );
    }
    const dl = state.decision_logs;
    if (dl !== undefined) {
      lines.push(
        `    decision logs: backlog ${String(dl.backlog)} events (${String(dl.backlog_bytes)} bytes), uploaded ${String(dl.uploaded_events)}, dropped ${String(dl.dropped_buffer_full)} (buffer full) + ${String(dl.dropped_too_large)} (too large), last upload ${dl.last_upload ?? '(never)'}${dl.last_error === undefined ? '' : `, last error: ${dl.last_error}`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
