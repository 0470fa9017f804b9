import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { PolicyLoadError } from '../../policy/policy-load-error.js';
import { validateData } from '../../policy/validate-data.js';
import {
  FleetConfigError,
  type BundleConfig,
  type DecisionLogsConfig,
  type FleetConfig,
  type KeyAlgorithm,
  type KeyConfig,
  type ServiceConfig,
  type StatusConfig,
} from './fleet-config.js';
import schema from './opa-config.schema.json' with { type: 'json' };
import { findUnsupportedKey } from './unsupported-keys.js';

/* The raw shapes the schema admits (snake_case, as written in the file). */
interface RawService {
  name?: string;
  url: string;
  headers?: Record<string, string>;
  response_header_timeout_seconds?: number;
  credentials?: { bearer?: { token?: string; token_path?: string; scheme?: string } };
  tls?: { ca_cert?: string };
}
interface RawBundle {
  service?: string;
  resource?: string;
  persist?: boolean;
  polling?: {
    min_delay_seconds?: number;
    max_delay_seconds?: number;
    long_polling_timeout_seconds?: number;
  };
  signing?: { keyid?: string; scope?: string; exclude_files?: string[] };
}
interface RawConfig {
  services?: Record<string, RawService> | RawService[];
  labels?: Record<string, string>;
  keys?: Record<string, { algorithm?: KeyAlgorithm; key: string; scope?: string }>;
  bundles?: Record<string, RawBundle>;
  decision_logs?: {
    service?: string;
    resource?: string;
    reporting?: {
      min_delay_seconds?: number;
      max_delay_seconds?: number;
      buffer_size_limit_bytes?: number;
      upload_size_limit_bytes?: number;
    };
    mask_decision?: string;
    drop_decision?: string;
    console?: boolean;
  };
  status?: { service?: string; console?: boolean };
}

const SCHEMA_NAME = "of OPA's configuration subset the shim supports (docs/fleet.md)";

/**
 * Parses an OPA configuration file (YAML or JSON) into the shim's fleet configuration. `${VAR}`
 * references (VAR a variable name) are replaced from `env` first, in the text, as OPA does; an unset variable is an error here
 * (OPA substitutes an empty string, which would send an empty token). Throws FleetConfigError
 * naming the file, the key and the fix.
 */
export function readOpaConfig(text: string, fileName: string, env: NodeJS.ProcessEnv): FleetConfig {
  const fail = (what: string): never => {
    throw new FleetConfigError(`Invalid \`--config\` file \`${fileName}\`: ${what}`);
  };
  const substituted = text.replace(
    /\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g,
    (_match, name: string) => {
      const value = env[name.trim()];
      return (
        value ??
        fail(
          `\`\${${name}}\` names an environment variable that is not set. Set it, or write the value.`,
        )
      );
    },
  );
  let raw: unknown;
  try {
    raw = parseYaml(substituted, { uniqueKeys: true }) ?? {};
  } catch (thrown) {
    return fail(
      `not valid YAML or JSON (${thrown instanceof Error ? thrown.message : String(thrown)}). Fix the syntax.`,
    );
  }
  const unsupported = findUnsupportedKey(raw);
  if (unsupported !== undefined) {
    return fail(
      `\`${unsupported}\` is an OPA setting that mcp-opa-shim does not support (docs/fleet.md lists what it supports). Remove it, or run an OPA agent for it.`,
    );
  }
  try {
    validateData(raw, `\`--config\` file \`${fileName}\``, schema, SCHEMA_NAME);
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) throw new FleetConfigError(thrown.message);
    throw thrown;
  }
  return resolveConfig(raw as RawConfig, fileName, fail);
}

function resolveConfig(
  raw: RawConfig,
  fileName: string,
  fail: (what: string) => never,
): FleetConfig {
  const services = resolveServices(raw.services, dirname(resolve(fileName)), fail);
  const serviceNames = Object.keys(services);
  /** OPA picks the first service when one is omitted; with a map, "first" is ambiguous unless there is one. */
  const serviceFor = (key: string, named: string | undefined): string => {
    if (named !== undefined) {
      if (services[named] === undefined)
        fail(
          `\`${key}.service\` is \`${named}\`, which is not in \`services\` (${listOf(serviceNames)}). Name one of them.`,
        );
      return named;
    }
    const [only, ...others] = serviceNames;
    if (only === undefined || others.length > 0)
      fail(
        `\`${key}.service\` is missing and \`services\` has ${serviceNames.length === 0 ? 'none' : `several (${listOf(serviceNames)})`}. Name the service to use.`,
      );
    return only;
  };

  const keys: Record<string, KeyConfig> = {};
  for (const [id, key] of Object.entries(raw.keys ?? {})) {
    keys[id] = {
      id,
      algorithm: key.algorithm ?? 'RS256',
      key: key.key,
      ...(key.scope === undefined ? {} : { scope: key.scope }),
    };
  }

  const bundles: Record<string, BundleConfig> = {};
  for (const [name, bundle] of Object.entries(raw.bundles ?? {})) {
    const at = `bundles.${name}`;
    const min = bundle.polling?.min_delay_seconds ?? 60;
    const max = bundle.polling?.max_delay_seconds ?? 120;
    if (max < min)
      fail(
        `\`${at}.polling.max_delay_seconds\` (${String(max)}) is below \`min_delay_seconds\` (${String(min)}). Make the maximum at least the minimum.`,
      );
    const signing = bundle.signing;
    if (signing?.keyid !== undefined && keys[signing.keyid] === undefined)
      fail(
        `\`${at}.signing.keyid\` is \`${signing.keyid}\`, which is not in \`keys\` (${listOf(Object.keys(keys))}). Add the key or fix the name.`,
      );
    const long = bundle.polling?.long_polling_timeout_seconds;
    bundles[name] = {
      name,
      service: serviceFor(at, bundle.service),
      resource: bundle.resource ?? `bundles/${name}`,
      persist: bundle.persist ?? false,
      polling: {
        minDelaySeconds: min,
        maxDelaySeconds: max,
        ...(long === undefined ? {} : { longPollingTimeoutSeconds: long }),
      },
      ...(signing === undefined
        ? {}
        : {
            signing: {
              ...(signing.keyid === undefined ? {} : { keyid: signing.keyid }),
              ...(signing.scope === undefined ? {} : { scope: signing.scope }),
              excludeFiles: signing.exclude_files ?? [],
            },
          }),
    };
  }

  let decisionLogs: DecisionLogsConfig | undefined;
  if (raw.decision_logs !== undefined) {
    const logs = raw.decision_logs;
    const console = logs.console ?? false;
    const wantsService = logs.service !== undefined || !console;
    const min = logs.reporting?.min_delay_seconds ?? 300;
    const max = logs.reporting?.max_delay_seconds ?? 600;
    if (max < min)
      fail(
        `\`decision_logs.reporting.max_delay_seconds\` (${String(max)}) is below \`min_delay_seconds\` (${String(min)}). Make the maximum at least the minimum.`,
      );
    const limit = logs.reporting?.buffer_size_limit_bytes;
    decisionLogs = {
      ...(wantsService ? { service: serviceFor('decision_logs', logs.service) } : {}),
      resource: logs.resource ?? '/logs',
      reporting: {
        minDelaySeconds: min,
        maxDelaySeconds: max,
        ...(limit === undefined ? {} : { bufferSizeLimitBytes: limit }),
        uploadSizeLimitBytes: logs.reporting?.upload_size_limit_bytes ?? 32768,
      },
      // OPA writes these as `/system/log/mask`; the shim's rule paths have no leading slash.
      maskDecision: (logs.mask_decision ?? 'system/log/mask').replace(/^\/+/, ''),
      dropDecision: (logs.drop_decision ?? 'system/log/drop').replace(/^\/+/, ''),
      console,
    };
  }

  let status: StatusConfig | undefined;
  if (raw.status !== undefined) {
    const console = raw.status.console ?? false;
    const wantsService = raw.status.service !== undefined || !console;
    status = {
      ...(wantsService ? { service: serviceFor('status', raw.status.service) } : {}),
      console,
    };
  }

  return deepFreeze({
    fileName,
    services,
    keys,
    bundles,
    ...(decisionLogs === undefined ? {} : { decisionLogs }),
    ...(status === undefined ? {} : { status }),
    labels: { ...(raw.labels ?? {}) },
  });
}

function resolveServices(
  raw: RawConfig['services'],
  /** Relative `token_path` and `ca_cert` are read from the config file's directory: MCP clients start the shim from any directory. */
  baseDir: string,
  fail: (what: string) => never,
): Record<string, ServiceConfig> {
  const entries: [string, RawService][] = Array.isArray(raw)
    ? raw.map((service) => [service.name ?? '', service])
    : Object.entries(raw ?? {});
  const services: Record<string, ServiceConfig> = {};
  for (const [name, service] of entries) {
    const at = `services.${name}`;
    if (services[name] !== undefined)
      fail(`\`${at}\` is defined twice. Give each service its own name.`);
    try {
      new URL(service.url);
    } catch {
      fail(
        `\`${at}.url\` is \`${service.url}\`, which is not a URL. Write one such as \`https://bundles.example.com/v1\`.`,
      );
    }
    const bearer = service.credentials?.bearer;
    if (bearer !== undefined && (bearer.token === undefined) === (bearer.token_path === undefined))
      fail(
        `\`${at}.credentials.bearer\` needs exactly one of \`token\` or \`token_path\`. Set one (a token from the environment: \`token: \${MY_TOKEN}\`).`,
      );
    services[name] = {
      name,
      url: service.url.replace(/\/+$/, ''),
      headers: { ...(service.headers ?? {}) },
      ...(bearer === undefined
        ? {}
        : {
            bearer: {
              ...(bearer.token === undefined ? {} : { token: bearer.token }),
              ...(bearer.token_path === undefined
                ? {}
                : { tokenPath: resolve(baseDir, bearer.token_path) }),
              scheme: bearer.scheme ?? 'Bearer',
            },
          }),
      ...(service.tls?.ca_cert === undefined
        ? {}
        : { caCertPath: resolve(baseDir, service.tls.ca_cert) }),
      responseHeaderTimeoutSeconds: service.response_header_timeout_seconds ?? 10,
    };
  }
  return services;
}

function listOf(names: readonly string[]): string {
  return names.length === 0 ? 'none defined' : names.map((name) => `\`${name}\``).join(', ');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
