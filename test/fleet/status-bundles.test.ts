import { execFileSync } from 'node:child_process';
import { BIN } from '../helpers/shim-process.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, ShimProcess } from '../helpers/shim-process.js';
import { opaPath, POLICY_FILES } from '../policy/opa-cli.js';
import {
  Collector,
  collectorConfig,
  eventually,
  OpaServer,
  cleanUp,
} from './decision-logs-collector.js';

/**
 * The same policy, revision `rev-7`, served by nginx twice: compiled to Wasm for the shim, as
 * Rego for OPA (this OPA build has no Wasm engine). Otherwise the two configs are the same.
 */
const config = (url: string, resource: string): string =>
  collectorConfig(url, {
    labels: true,
    extra: `bundles:
  authz:
    service: collector
    resource: ${resource}
    polling:
      min_delay_seconds: 1
      max_delay_seconds: 2
`,
  });

type Report = Record<string, unknown> & {
  labels: Record<string, string>;
  bundles?: Record<string, Record<string, unknown>>;
};

describe('status reports and events with a bundle, from the shim and from OPA', () => {
  let collector: Collector;
  let opa: OpaServer;
  let shim: ShimProcess;
  let statusWhileRunning = '';
  const reports = (): Report[] => collector.statusReports<Report>();
  const events = (): Report[] => collector.events<Report>();

  beforeAll(async () => {
    collector = await Collector.start();
    const build = (target: string[], out: string) =>
      execFileSync(opaPath(), [
        'build',
        ...target,
        '--revision',
        'rev-7',
        '-o',
        join(collector.bundleDir, out),
        ...POLICY_FILES,
      ]);
    build(
      ['-t', 'wasm', '-e', 'mcp/decision', '-e', 'system/log/mask', '-e', 'system/log/drop'],
      'authz.tar.gz',
    );
    build([], 'authz-rego.tar.gz');
    opa = await OpaServer.start(config(collector.url, 'bundles/authz-rego.tar.gz'), []);
    const dir = mkdtempSync(join(tmpdir(), 'status-bundles-'));
    const configPath = join(dir, 'fleet.yaml');
    writeFileSync(configPath, config(collector.url, 'bundles/authz.tar.gz'));
    shim = new ShimProcess(
      ['--config', configPath, '--', process.execPath, join(FIXTURES, 'echo-server.mjs')],
      { env: { XDG_STATE_HOME: join(dir, 'state') } },
    );
    await shim.initialize();
    await eventually(
      () =>
        JSON.stringify(opa.output()).includes('Bundle loaded and activated') ? true : undefined,
      15_000,
      'OPA activating the bundle',
    );
    await opa.query('mcp/decision', { message: { kind: 'request', method: 'ping' } });
    await eventually(
      () => {
        const withBundles = events().filter((event) => event['bundles'] !== undefined);
        const agents = new Set(withBundles.map((event) => event.labels['id']));
        return agents.size >= 2 ? true : undefined;
      },
      15_000,
      'events with `bundles` from both agents',
    );
    statusWhileRunning = execFileSync(process.execPath, [BIN, 'status', '--config', configPath], {
      env: { ...process.env, XDG_STATE_HOME: join(dir, 'state') },
      encoding: 'utf8',
    });
    await shim.close();
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => opa.dispose(),
      () => collector.dispose(),
    );
  });

  const byAgent = (list: Report[]) => {
    const versions = new Map<string, Report>();
    for (const item of list) versions.set(item.labels['version'] ?? '', item);
    return versions;
  };

  it('stamps events with the bundle revision, as OPA does', () => {
    const stamped = events().filter((event) => event['bundles'] !== undefined);
    const agents = byAgent(stamped);
    expect(agents.size).toBe(2);
    for (const event of agents.values())
      expect(event['bundles']).toEqual({ authz: { revision: 'rev-7' } });
  });

  it("reports the bundle in OPA's status shape", () => {
    const active = reports().filter(
      (report) => report.bundles?.['authz']?.['active_revision'] === 'rev-7',
    );
    const agents = byAgent(active);
    expect(agents.size).toBe(2);
    const [ours, theirs] = [...agents.entries()]
      .sort(([a]) => (a === '1.22.2' ? 1 : -1))
      .map(([, report]) => report);
    const ourBundle = ours!.bundles!['authz']!;
    const theirBundle = theirs!.bundles!['authz']!;
    // OPA also sends `size` and `metrics` (docs/fleet-logs.md says why the shim does not).
    for (const key of Object.keys(ourBundle)) expect(Object.keys(theirBundle)).toContain(key);
    for (const key of [
      'name',
      'active_revision',
      'last_successful_activation',
      'last_successful_download',
      'last_successful_request',
      'last_request',
      'type',
    ])
      expect(Object.keys(ourBundle)).toContain(key);
    expect(Object.keys(ours!.plugins as object)).toContain('bundle');
    expect(Object.keys(theirs!.plugins as object)).toContain('bundle');
  });

  it('shows the active revision and last poll in `mcp-opa-shim status`', () => {
    expect(statusWhileRunning).toContain(
      `authz: ${collector.url}/bundles/authz.tar.gz (polling 1-2 s)`,
    );
    expect(statusWhileRunning).toMatch(/bundle authz: revision rev-7, last poll 20\d\d-/);
  });
});
