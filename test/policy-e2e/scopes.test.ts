import { describe, expect, it } from 'vitest';
import { CATALOG_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

// The Maverics pattern: tool access by the scopes in a principal attribute (--attr scope=…).
const SCOPES = {
  scope_tools: {
    'mcp:tools-basic': ['search_issues', 'get_issue'],
    'mcp:tools-write': ['create_issue'],
  },
};

const startShim = shimsClosedAfterEach();

function scopedShim(scope: string): PolicyShim {
  return startShim({
    data: SCOPES,
    args: ['--principal', 'support-agent', '--attr', `scope=${scope}`, '--server-id', 'jira'],
    server: nodeCommand(CATALOG_SERVER, 'jira'),
  });
}

describe('Tool access by scope (--attr scope=…), through the shim', () => {
  it('shows and runs only the tools the basic scope grants', async () => {
    const shim = scopedShim('mcp:tools-basic');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['search_issues', 'get_issue']);
    expect(toolOutcome(await shim.callTool('get_issue', { key: 'OPS-1' }))).toMatchObject({
      isError: false,
    });
    expect(toolOutcome(await shim.callTool('create_issue'))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `create_issue` requires a scope principal `support-agent` does not have.',
      },
    });
    const record = shim
      .auditDecisions()
      .find((r) => r.input?.operation.name === 'create_issue' && !r.input.operation.listing);
    expect(record?.result).toMatchObject({
      reasons: ['tool_not_in_scopes'],
      internal_message:
        'tool `create_issue` not granted by scopes `mcp:tools-basic` (attribute `scope`)',
    });
  });

  it('adds the write tool for a principal holding both scopes', async () => {
    const shim = scopedShim('mcp:tools-basic mcp:tools-write');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['search_issues', 'get_issue', 'create_issue']);
    expect(toolOutcome(await shim.callTool('create_issue', { summary: 'x' }))).toMatchObject({
      isError: false,
    });
  });
});
