import { describe, expect, it } from 'vitest';
import { CATALOG_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { expectServerRan, JIRA_TOOLS } from './helpers/catalog-expectations.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

const DATA = { allowed_tools: { watcher: ['get_issue'] } };

const startShim = shimsClosedAfterEach();

function jiraShim(...modeArgs: string[]): PolicyShim {
  return startShim({
    data: DATA,
    args: ['--principal', 'watcher', '--server-id', 'jira', ...modeArgs],
    server: nodeCommand(CATALOG_SERVER, 'jira'),
  });
}

function callRecords(shim: PolicyShim): [string | undefined, string, boolean | undefined][] {
  return shim
    .auditDecisions()
    .filter((r) => r.input?.message.method === 'tools/call')
    .map((r) => [r.input?.operation.name, r.action, r.result?.allow]);
}

describe('--mode monitor: decisions are recorded but never block', () => {
  it('forwards a call the policy denies and audits it as `monitored`', async () => {
    const shim = jiraShim('--mode', 'monitor');
    await shim.initialize();
    // Nothing is hidden either: the list is what the server sent.
    expect(await shim.listToolNames()).toEqual(JIRA_TOOLS);
    expectServerRan(toolOutcome(await shim.callTool('create_issue', { summary: 'x' })), {
      tool: 'create_issue',
    });
    expect(toolOutcome(await shim.callTool('get_issue'))).toMatchObject({ isError: false });
    expect(callRecords(shim)).toEqual([
      ['create_issue', 'monitored', false],
      ['get_issue', 'forwarded', true],
    ]);
    const hidden = shim
      .auditDecisions()
      .filter((r) => r.input?.operation.listing === true)
      .map((r) => [r.input?.operation.name, r.action]);
    expect(hidden).toEqual([
      ['search_issues', 'monitored'],
      ['create_issue', 'monitored'],
      ['delete_issue', 'monitored'],
    ]);
  });

  it('blocks the same call in the default enforce mode', async () => {
    const shim = jiraShim();
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['get_issue']);
    expect(toolOutcome(await shim.callTool('create_issue', { summary: 'x' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `create_issue` is not permitted for principal `watcher`.',
      },
    });
    expect(callRecords(shim)).toEqual([['create_issue', 'denied', false]]);
  });
});
