import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOG_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

const BOTH = { allowed_tools: { operator: ['list_releases', 'deploy_release'] } };
const LIST_ONLY = { allowed_tools: { operator: ['list_releases'] } };

const startShim = shimsClosedAfterEach();

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Waits until the shim's stderr holds `needle` `count` times (the reload log lines). */
async function stderrCount(shim: PolicyShim, needle: string, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (occurrences(shim.process.stderr, needle) < count) {
    if (Date.now() > deadline) {
      throw new Error(`no "${needle}" #${count} on stderr:\n${shim.process.stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The pid of the wrapped server, as its tool results report it. */
async function serverPid(shim: PolicyShim): Promise<number> {
  const outcome = toolOutcome(await shim.callTool('list_releases'));
  return (JSON.parse((outcome as { text: string }).text) as { pid: number }).pid;
}

describe('Hot reload of --data during a session', () => {
  it('applies an edited data file to the next message without restarting the server; a broken file keeps the last good one', async () => {
    const shim = startShim({
      data: BOTH,
      args: ['--principal', 'operator', '--server-id', 'deploy'],
      server: nodeCommand(CATALOG_SERVER, 'deploy'),
    });
    const serverInfo = (await shim.initialize()).serverInfo;
    expect(await shim.listToolNames()).toEqual(['list_releases', 'deploy_release']);
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject({
      isError: false,
    });
    const pid = await serverPid(shim);

    // 1. Narrow the allow-list: deploy_release disappears; a call gets the policy's reason.
    shim.writeData(LIST_ONLY);
    await stderrCount(shim, 'policy reloaded', 1);
    expect(await shim.listToolNames()).toEqual(['list_releases']);
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `deploy_release` is not permitted for principal `operator`.',
      },
    });
    expect(await serverPid(shim)).toBe(pid);

    // 2. A broken file: the reload fails, says why, and the narrowed rule stays in force.
    writeFileSync(shim.dataPath, '{ "allowed_tools": { "operator": [ ');
    await stderrCount(shim, 'policy reload failed; keeping the last good version', 1);
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `deploy_release` is not permitted for principal `operator`.',
      },
    });
    expect(await serverPid(shim)).toBe(pid);

    // 3. Fixed again: the wider rule is back, same server process.
    shim.writeData(BOTH);
    await stderrCount(shim, 'policy reloaded', 2);
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject({
      isError: false,
    });
    expect(await serverPid(shim)).toBe(pid);
    expect(serverInfo).toEqual({ name: 'deploy-server', version: '1.0.0' });
  });

  it('does not reload with --no-watch: the first data stays in force', async () => {
    const shim = startShim({
      data: BOTH,
      args: ['--principal', 'operator', '--server-id', 'deploy', '--no-watch'],
      server: nodeCommand(CATALOG_SERVER, 'deploy'),
    });
    await shim.initialize();
    shim.writeData(LIST_ONLY);
    // Give a watcher (were there one) its settle time and a poll interval to act.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(shim.process.stderr).not.toContain('policy reloaded');
    expect(toolOutcome(await shim.callTool('deploy_release', { env: 'staging' }))).toMatchObject({
      isError: false,
    });
  });
});
