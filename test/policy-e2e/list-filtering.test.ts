import { describe, expect, it } from 'vitest';
import {
  CATALOG_SERVER,
  EVERYTHING_SERVER,
  nodeCommand,
  PolicyShim,
  toolOutcome,
} from './helpers/policy-shim.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

type Page = { tools?: { name: string }[]; resources?: { uri: string }[]; nextCursor?: string };

const startShim = shimsClosedAfterEach();

/** The jira stand-in, two items per page, for principal `viewer`. */
function pagedShim(data: unknown): PolicyShim {
  return startShim({
    data,
    args: ['--principal', 'viewer', '--server-id', 'jira'],
    server: nodeCommand(CATALOG_SERVER, 'jira', '--page-size', '2'),
  });
}

async function page(shim: PolicyShim, method: string, cursor?: string): Promise<Page> {
  const reply = await shim.request(method, cursor === undefined ? {} : { cursor });
  return reply.result as Page;
}

describe('List filtering, page by page, through the shim', () => {
  it('drops hidden tools from each page and keeps nextCursor as the server sent it', async () => {
    const shim = pagedShim({ allowed_tools: { viewer: ['get_issue', 'delete_issue'] } });
    await shim.initialize();
    const first = await page(shim, 'tools/list');
    expect(first.tools?.map((tool) => tool.name)).toEqual(['get_issue']);
    expect(first.nextCursor).toBe('2');
    const second = await page(shim, 'tools/list', first.nextCursor);
    expect(second.tools?.map((tool) => tool.name)).toEqual(['delete_issue']);
    expect(second).not.toHaveProperty('nextCursor');
  });

  it("answers a call to a hidden tool with -32602 and the policy's message; a tool that does not exist is the server's Unknown tool", async () => {
    // `ghost_*` is allowed but does not exist: the server itself answers that call.
    const shim = pagedShim({ allowed_tools: { viewer: ['get_issue', 'ghost_*'] } });
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['get_issue']);
    const hidden = await shim.callTool('create_issue', { summary: 'x' });
    const missing = await shim.callTool('ghost_tool');
    expect(hidden.error).toEqual({
      code: -32602,
      message: 'Tool `create_issue` is not permitted for principal `viewer`.',
    });
    expect(missing.error).toEqual({ code: -32602, message: 'Unknown tool: ghost_tool' });
    const actions = shim
      .auditDecisions()
      .filter((r) => r.input?.message.method === 'tools/call')
      .map((r) => [r.input?.operation.name, r.action]);
    expect(actions).toEqual([
      ['create_issue', 'denied'],
      ['ghost_tool', 'forwarded'],
    ]);
    expect(toolOutcome(await shim.callTool('get_issue', { key: 'OPS-1' }))).toMatchObject({
      isError: false,
    });
  });

  it('filters resources/list pages by the tier resource globs, and denies reading a hidden one', async () => {
    const shim = pagedShim({
      trust_tiers: { reader: ['viewer'] },
      tiers: { reader: { servers: { jira: { resources: ['jira://docs/r*'] } } } },
    });
    await shim.initialize();
    const pages: Page[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(shim, 'resources/list', cursor);
      pages.push(next);
      cursor = next.nextCursor;
    } while (cursor !== undefined);
    expect(pages.map((p) => [p.resources?.map((r) => r.uri), p.nextCursor])).toEqual([
      [['jira://docs/readme', 'jira://docs/runbook'], '2'],
      [['jira://docs/roadmap'], '4'],
      [[], undefined],
    ]);
    const allowed = await shim.request('resources/read', { uri: 'jira://docs/runbook' });
    expect(allowed.result).toMatchObject({ contents: [{ text: 'runbook' }] });
    const denied = await shim.request('resources/read', { uri: 'jira://docs/oncall' });
    expect(denied.error).toEqual({
      code: -32602,
      message: 'Resource `jira://docs/oncall` is not permitted for principal `viewer`.',
    });
  });

  it("filters server-everything's prompts by the tier prompt globs, and denies getting a hidden one", async () => {
    const shim = startShim({
      data: {
        trust_tiers: { reader: ['viewer'] },
        tiers: { reader: { servers: { everything: { prompts: ['simple-*', 'args-*'] } } } },
      },
      args: ['--principal', 'viewer', '--server-id', 'everything'],
      server: nodeCommand(EVERYTHING_SERVER, 'stdio'),
    });
    await shim.initialize();
    const listed = (await shim.request('prompts/list')).result as { prompts: { name: string }[] };
    expect(listed.prompts.map((prompt) => prompt.name)).toEqual(['simple-prompt', 'args-prompt']);
    const allowed = await shim.request('prompts/get', { name: 'simple-prompt' });
    expect(allowed.result).toHaveProperty('messages');
    const denied = await shim.request('prompts/get', {
      name: 'resource-prompt',
      arguments: { resourceType: 'Text', resourceId: '1' },
    });
    expect(denied.error).toEqual({
      code: -32602,
      message: 'Prompt `resource-prompt` is not permitted for principal `viewer`.',
    });
  });
});
