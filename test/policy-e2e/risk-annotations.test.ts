import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MEMORY_SERVER, nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';

// server-memory annotates read_graph/search_nodes/open_nodes readOnlyHint: true and the
// delete_* tools destructiveHint: true; the policy reads those annotations from tools/list.
const RISK = {
  trust_tiers: { read_only: ['auditor'], developer: ['dev'] },
  tiers: {
    read_only: { read_only: true, servers: { memory: {} } },
    developer: { servers: { memory: {} } },
  },
  approval: { destructive: true },
};

const APPROVAL_MESSAGE =
  'approval required: tool `delete_entities` is high-risk and needs human approval. Denied: the client did not declare the elicitation capability (form mode), so no one could be asked.';

const cleanups: (() => Promise<void>)[] = [];

function memoryShim(principal: string): PolicyShim {
  const store = mkdtempSync(join(tmpdir(), 'policy-e2e-memory-'));
  const shim = new PolicyShim({
    data: RISK,
    args: ['--principal', principal, '--server-id', 'memory'],
    server: nodeCommand(MEMORY_SERVER),
    env: { MEMORY_FILE_PATH: join(store, 'memory.jsonl') },
  });
  cleanups.push(async () => {
    await shim.close();
    rmSync(store, { recursive: true, force: true });
  });
  return shim;
}

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

const entity = { name: 'ada', entityType: 'person', observations: ['wrote the first program'] };

describe('Risk from tool annotations, against server-memory', () => {
  it('shows a read-only tier only the tools annotated readOnlyHint and runs them', async () => {
    const shim = memoryShim('auditor');
    await shim.initialize();
    expect(await shim.listToolNames()).toEqual(['read_graph', 'search_nodes', 'open_nodes']);
    expect(toolOutcome(await shim.callTool('read_graph'))).toMatchObject({ isError: false });
  });

  it("hides destructive and writing tools from a read-only tier: calls get the policy's reason", async () => {
    const shim = memoryShim('auditor');
    await shim.initialize();
    await shim.listToolNames();
    for (const name of ['delete_entities', 'create_entities']) {
      expect(toolOutcome(await shim.callTool(name, { entityNames: ['ada'] }))).toMatchObject({
        error: {
          code: -32602,
          message: expect.stringContaining(
            `Tool \`${name}\` may modify data and principal \`auditor\` has read-only access.`,
          ) as unknown,
        },
      });
    }
    const reasons = shim
      .auditDecisions()
      .filter((r) => r.input?.message.method === 'tools/call')
      .map((r) => r.result?.reasons);
    // delete_entities is destructive, so it also needs approval; deny reports every rule.
    expect(reasons).toEqual([['approval_required', 'read_only_tier'], ['read_only_tier']]);
  });

  it('lets a writing tier create entities, and denies a destructive tool with "approval required"', async () => {
    const shim = memoryShim('dev');
    await shim.initialize();
    expect(await shim.listToolNames()).toContain('delete_entities');
    expect(
      toolOutcome(await shim.callTool('create_entities', { entities: [entity] })),
    ).toMatchObject({
      isError: false,
    });
    expect(toolOutcome(await shim.callTool('delete_entities', { entityNames: ['ada'] }))).toEqual({
      isError: true,
      text: APPROVAL_MESSAGE,
    });
    // The denied delete never reached the server: the entity is still there.
    const graph = toolOutcome(await shim.callTool('read_graph'));
    expect((graph as { text: string }).text).toContain('wrote the first program');
  });
});
