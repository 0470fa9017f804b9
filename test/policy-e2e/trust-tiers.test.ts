import { describe, expect, it } from 'vitest';
import { CATALOG_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { expectServerRan, JIRA_TOOLS } from './helpers/catalog-expectations.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

// The PBAC gateway matrix (examples/pbac-trust-tiers): one data file, one shim per server.
const PBAC = {
  trust_tiers: {
    internal_trusted: ['claude-code-trusted'],
    developer: ['claude-code'],
    ci_agent: ['ci-bot'],
    read_only: ['security-scanner'],
  },
  tiers: {
    developer: { servers: { drive: {}, jira: {}, slack: {}, ddl: false } },
    ci_agent: { servers: { drive: { read_only: true }, jira: {} } },
    read_only: { read_only: true, servers: { drive: {}, jira: {} } },
    internal_trusted: { servers: { '*': {}, ddl: false } },
  },
};

const startShim = shimsClosedAfterEach();

function tieredShim(principal: string, server: string): PolicyShim {
  return startShim({
    data: PBAC,
    args: ['--principal', principal, '--server-id', server],
    server: nodeCommand(CATALOG_SERVER, server),
  });
}

describe('Trust tiers across servers, through the shim', () => {
  it('lets a developer create a Jira issue: the call reaches the server', async () => {
    const shim = tieredShim('claude-code', 'jira');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(JIRA_TOOLS);
    expectServerRan(toolOutcome(await shim.callTool('create_issue', { summary: 'x' })), {
      tool: 'create_issue',
    });
  });

  it('denies a developer the ddl server outright, from initialize on', async () => {
    const shim = tieredShim('claude-code', 'ddl');
    const reply = await shim.initializeReply();
    expect(reply.error).toMatchObject({
      code: -32602,
      message: 'Principal `claude-code` may not use server `ddl`.',
    });
    const listed = await shim.request('tools/list');
    expect(listed.error).toMatchObject({ code: -32602 });
  });

  it('shows a read-only CI tier only the read-only Drive tools and hides the writers', async () => {
    const shim = tieredShim('ci-bot', 'drive');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['search_files', 'read_file']);
    expect(toolOutcome(await shim.callTool('read_file', { path: '/r.txt' }))).toMatchObject({
      isError: false,
    });
    expect(toolOutcome(await shim.callTool('write_file', { path: '/r.txt' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `write_file` may modify data and principal `ci-bot` has read-only access.',
      },
    });
  });

  it('gives the same CI tier read/write on Jira, the next server in its row', async () => {
    const shim = tieredShim('ci-bot', 'jira');
    await shim.initialize();
    expect(await shim.listToolNames()).toContain('create_issue');
    expect(toolOutcome(await shim.callTool('create_issue', {}))).toMatchObject({ isError: false });
  });

  it('lets the internal trusted tier use Slack through its wildcard entry but never ddl', async () => {
    const slack = tieredShim('claude-code-trusted', 'slack');
    await slack.initialize();
    expect(await slack.listToolNames()).toEqual(['read_channel', 'post_message']);
    expect(toolOutcome(await slack.callTool('post_message', {}))).toMatchObject({ isError: false });

    const ddl = tieredShim('claude-code-trusted', 'ddl');
    const reply = await ddl.initializeReply();
    expect(reply.error).toMatchObject({
      message: 'Principal `claude-code-trusted` may not use server `ddl`.',
    });
  });

  it('denies a principal in no tier everything, since tiers are defined', async () => {
    const shim = tieredShim('stranger', 'drive');
    const reply = await shim.initializeReply();
    expect(reply.error).toMatchObject({ code: -32602 });
    const denied = shim.auditDecisions().find((r) => r.input?.message.method === 'initialize');
    expect(denied).toMatchObject({
      action: 'denied',
      result: { reasons: ['principal_not_permitted'] },
    });
  });
});
