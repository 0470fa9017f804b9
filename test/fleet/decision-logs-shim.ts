import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { POLICY_FILES } from '../policy/opa-cli.js';
import { Collector, cleanUp, collectorConfig, OpaServer } from './decision-logs-collector.js';
import { createAuditor, type Auditor } from '../../src/audit/auditor.js';
import { readOpaConfig } from '../../src/fleet/config/read-opa-config.js';
import { reportingOptions } from '../../src/fleet/status/reporting-options.js';
import { startReporting, type Reporting } from '../../src/fleet/status/start-reporting.js';
import type { PolicyInput } from '../../src/core/policy-input.js';
import { createPolicyEngine } from '../../src/policy/create-policy-engine.js';
import type { PolicyEngine } from '../../src/core/decision.js';
import { collectSecrets, type SecretSet } from '../../src/secrets/secret-set.js';

export const LOG_DATA = join(import.meta.dirname, 'fixtures', 'log-data.yaml');

/**
 * The shim's side of the comparison, from the auditor on: the real default policy (Wasm) with
 * the test data, the real auditor writing a real audit log, and the decision-log uploader and
 * status reporter built from the same OPA config file `opa run` reads.
 */
export interface ShimReporting {
  readonly auditor: Auditor;
  readonly policy: PolicyEngine;
  readonly reporting: Reporting;
  readonly auditLog: string;
  readonly stateDir: string;
  /** `XDG_STATE_HOME` for `mcp-opa-shim status`: the state dir is `<it>/mcp-opa-shim`. */
  readonly xdgStateHome: string;
  readonly configPath: string;
  readonly stderr: string[];
  judge(input: PolicyInput): void;
  close(): Promise<void>;
}

export async function startShimReporting(
  configYaml: string,
  options: { env?: Record<string, string>; dir?: string } = {},
): Promise<ShimReporting> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'shim-reporting-'));
  const configPath = join(dir, 'config.yaml');
  writeFileSync(configPath, configYaml);
  const secrets: SecretSet = collectSecrets({
    env: options.env ?? {},
    envFileValues: {},
    secretEnv: [],
    namePatterns: ['TOKEN', 'SECRET'],
  });
  const stderr: string[] = [];
  const stderrStream = {
    write(chunk: string) {
      stderr.push(chunk);
      return true;
    },
  } as unknown as NodeJS.WritableStream;
  const policy = await createPolicyEngine({
    policy: { kind: 'embedded' },
    dataFiles: [LOG_DATA],
    entrypoint: 'mcp/decision',
    watch: false,
  });
  const xdgStateHome = join(dir, 'xdg-state');
  const stateDir = join(xdgStateHome, 'mcp-opa-shim');
  const reporting = startReporting(
    reportingOptions(readOpaConfig(configYaml, configPath, options.env ?? {}), configPath, {
      serverId: 'filesystem',
      version: '0.1.0-test',
      secrets,
      stderr: stderrStream,
      stateDir,
    }),
  );
  const auditLog = join(dir, 'audit.jsonl');
  const auditor = createAuditor({
    file: auditLog,
    stderr: false,
    policy,
    secrets,
    labels: { server_id: 'filesystem', principal: 'alice', version: '0.1.0-test' },
    ...(reporting.sink === undefined ? {} : { sink: reporting.sink }),
  });
  return {
    auditor,
    policy,
    reporting,
    auditLog,
    stateDir,
    xdgStateHome,
    configPath,
    stderr,
    judge(input) {
      auditor.record({
        input,
        decision: policy.evaluate(input),
        action: 'forwarded',
        evalMicros: 7,
      });
    },
    async close() {
      auditor.close();
      await reporting.close(2000);
      policy.close();
    },
  };
}

/** A collector (nginx), `opa run --server` and the shim's reporting, on one labelled config. */
export interface SideBySide {
  readonly collector: Collector;
  readonly opa: OpaServer;
  readonly shim: ShimReporting;
  dispose(): Promise<void>;
}

export async function startSideBySide(): Promise<SideBySide> {
  const collector = await Collector.start();
  const config = collectorConfig(collector.url, { labels: true });
  let opa: OpaServer | undefined;
  let shim: ShimReporting | undefined;
  const dispose = () =>
    cleanUp(
      async () => shim?.close(),
      async () => opa?.dispose(),
      () => collector.dispose(),
    );
  try {
    opa = await OpaServer.start(config, [...POLICY_FILES, LOG_DATA]);
    shim = await startShimReporting(config);
  } catch (error) {
    await dispose();
    throw error;
  }
  return { collector, opa, shim, dispose };
}
