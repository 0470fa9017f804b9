import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toolCall } from '../audit/helpers/inputs.js';
import { BIN } from '../helpers/shim-process.js';
import { Collector, eventually, cleanUp } from './decision-logs-collector.js';
import { startShimReporting, type ShimReporting } from './decision-logs-shim.js';

const run = promisify(execFile);

const config = (url: string): string => `
services:
  collector:
    url: ${url}
    credentials:
      bearer:
        token: not-a-real-token-but-secret
  other:
    url: ${url}/other
    credentials:
      bearer:
        token: \${FLEET_TOKEN_UNSET_HERE}
labels:
  team: platform
bundles:
  authz:
    service: collector
    resource: bundles/authz.tar.gz
decision_logs:
  service: collector
  reporting:
    min_delay_seconds: 1
    max_delay_seconds: 1
    buffer_size_limit_bytes: 50000
status:
  service: collector
`;

async function status(
  shim: ShimReporting,
  ...extra: string[]
): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, 'status', '--config', shim.configPath, ...extra], {
    env: { ...process.env, XDG_STATE_HOME: shim.xdgStateHome },
  });
}

describe('mcp-opa-shim status', () => {
  let collector: Collector;
  let shim: ShimReporting;

  beforeAll(async () => {
    collector = await Collector.start();
    // The shim has the token's variable (from the MCP client's env); the `status` shell does not.
    shim = await startShimReporting(config(collector.url), {
      env: { FLEET_TOKEN_UNSET_HERE: 'token-for-the-shim-only' },
    });
    for (const name of ['a', 'b', 'c'])
      shim.judge(
        toolCall('read_file', { path: `/srv/projects/${name}` }, [`/srv/projects/${name}`]),
      );
    await eventually(
      () => (shim.reporting.uploader!.counters().uploadedEvents === 3 ? true : undefined),
      15_000,
      'three uploaded events',
    );
    // The state file is rewritten after each upload's status report.
    await eventually(
      () => (shim.reporting.status.accepted >= 2 ? true : undefined),
      15_000,
      'a status report after the upload',
    );
  });

  afterAll(async () => {
    await cleanUp(
      () => shim.close(),
      () => collector.dispose(),
    );
  });

  it('prints what the config resolves to, without credentials', async () => {
    const { stdout } = await status(shim);
    expect(stdout).toContain(`collector: ${collector.url} (bearer token)`);
    expect(stdout).toContain(`authz: ${collector.url}/bundles/authz.tar.gz (polling 60-120 s)`);
    expect(stdout).toContain(
      `decision_logs: ${collector.url}/logs (reporting 1-1 s, buffer 50000 bytes)`,
    );
    expect(stdout).toContain(`status: ${collector.url}/status`);
    expect(stdout).toContain('labels: team=platform');
    expect(stdout).not.toContain('not-a-real-token-but-secret');
    // A `${VAR}` the shims get from the MCP client's env need not be set in this shell.
    expect(stdout).toContain(`other: ${collector.url}/other (bearer token)`);
  });

  it("prints the running shim's backlog, uploads and drops from its state file", async () => {
    const { stdout } = await status(shim);
    expect(stdout).toContain(`pid ${String(process.pid)} running, server filesystem`);
    expect(stdout).toMatch(
      /decision logs: backlog 0 events \(0 bytes\), uploaded 3, dropped 0 \(buffer full\) \+ 0 \(too large\), last upload 20\d\d-/,
    );
  });

  it('says so when no shim has run with a config', async () => {
    const { stdout } = await run(process.execPath, [BIN, 'status', '--config', shim.configPath], {
      env: { ...process.env, XDG_STATE_HOME: `${shim.xdgStateHome}-empty` },
    });
    expect(stdout).toContain('shims: none has written a state file for this config');
  });

  it('prints JSON with --json', async () => {
    const { stdout } = await status(shim, '--json');
    const parsed = JSON.parse(stdout) as {
      config: { decision_logs: { upload: string } };
      shims: { state: { decision_logs: { uploaded_events: number } }; running: boolean }[];
    };
    expect(parsed.config.decision_logs.upload).toBe(`${collector.url}/logs`);
    expect(parsed.shims[0]!.running).toBe(true);
    expect(parsed.shims[0]!.state.decision_logs.uploaded_events).toBe(3);
  });

  it('refuses a missing --config with exit 2', async () => {
    const failed = await run(process.execPath, [BIN, 'status']).catch(
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain('Expected `--config <file>`');
  });
});
