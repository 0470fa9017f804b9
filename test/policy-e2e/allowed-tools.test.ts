import { describe, expect, it } from 'vitest';
import { EVERYTHING_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

// The Dapr pattern: caller → tool allow-list, against the real server-everything.
const ALLOWED_TOOLS = {
  allowed_tools: {
    'analyst-agent': ['echo', 'get-sum'],
    'ops-agent': ['echo', 'get-sum', 'toggle-*'],
  },
};

const startShim = shimsClosedAfterEach();

function shimFor(principal: string): PolicyShim {
  return startShim({
    data: ALLOWED_TOOLS,
    args: ['--principal', principal, '--server-id', 'everything'],
    server: nodeCommand(EVERYTHING_SERVER, 'stdio'),
  });
}

describe('Per-caller tool allow-lists (--principal), against server-everything', () => {
  it("lists and runs exactly the caller's tools", async () => {
    const shim = shimFor('analyst-agent');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['echo', 'get-sum']);
    const sum = toolOutcome(await shim.callTool('get-sum', { a: 2, b: 3 }));
    expect(sum).toMatchObject({ isError: false });
    expect((sum as { text: string }).text).toContain('5');
  });

  it("answers a call to a tool outside the list (hidden from it) with the policy's reason, and audits why", async () => {
    const shim = shimFor('analyst-agent');
    await shim.initialize();
    await shim.listToolNames();
    expect(toolOutcome(await shim.callTool('get-env'))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `get-env` is not permitted for principal `analyst-agent`.',
      },
    });
    const record = shim
      .auditDecisions()
      .find(
        (r) => r.input?.message.method === 'tools/call' && r.input.operation.name === 'get-env',
      );
    expect(record).toMatchObject({
      action: 'denied',
      result: { allow: false, reasons: ['tool_not_in_allow_list'] },
    });
  });

  it('gives another caller its own list (globs included)', async () => {
    const shim = shimFor('ops-agent');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual([
      'echo',
      'get-sum',
      'toggle-simulated-logging',
      'toggle-subscriber-updates',
    ]);
    expect(toolOutcome(await shim.callTool('toggle-simulated-logging'))).toMatchObject({
      isError: false,
    });
  });

  it('keeps discovery open to an unlisted caller but shows and runs no tool', async () => {
    const shim = shimFor('unknown-agent');
    const init = await shim.initialize();
    expect(init).toHaveProperty('serverInfo');
    expect((await shim.request('ping')).result).toEqual({});
    expect(await shim.listToolNames()).toEqual([]);
    expect(toolOutcome(await shim.callTool('echo', { message: 'hi' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `echo` is not permitted for principal `unknown-agent`.',
      },
    });
  });
});
