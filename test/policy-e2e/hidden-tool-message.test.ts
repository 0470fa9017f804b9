import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_SERVER, nodeCommand } from './helpers/policy-shim.js';
import { connectSdkThroughShim, type SdkShim } from './helpers/sdk-shim.js';

const sessions: SdkShim[] = [];

afterEach(async () => {
  await Promise.all(sessions.splice(0).map((session) => session.close()));
});

describe('A denied call to a hidden tool, with a v1 SDK client through the shim around server-memory', () => {
  it("carries the policy's message in the JSON-RPC error, not a bare Unknown tool", async () => {
    const session = await connectSdkThroughShim({
      data: { allowed_tools: { '*': ['read_graph', 'search_nodes'] } },
      args: ['--principal', 'analyst', '--server-id', 'memory'],
      server: nodeCommand(MEMORY_SERVER),
    });
    sessions.push(session);
    const listed = (await session.client.listTools()) as { tools: { name: string }[] };
    expect(listed.tools.map((tool) => tool.name).sort()).toEqual(['read_graph', 'search_nodes']);

    const call = session.client.callTool('delete_entities', { entityNames: ['ada'] });
    await expect(call).rejects.toThrow(
      'MCP error -32602: Tool `delete_entities` is not permitted for principal `analyst`.',
    );
    await expect(call).rejects.not.toThrow(/Unknown tool/);
    const record = session.auditDecisions().find((r) => r.input?.message.method === 'tools/call');
    expect(record).toMatchObject({
      action: 'denied',
      result: { reasons: ['tool_not_in_allow_list'] },
    });
  });
});
