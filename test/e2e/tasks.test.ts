import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { launchSpec, nodeServer } from './helpers/launch.js';
import { everythingServer } from './helpers/paths.js';
import type { ScenarioClient } from './helpers/scenario-client.js';
import { connectV1 } from './helpers/v1-client.js';

const RESEARCH = 'simulate-research-query';
const ALLOW_ALL = `package mcp\n\ndecision := {"allow": true}\n`;
/** Everything is allowed but the research tool (and so its task's result). */
const DENY_RESEARCH = `package mcp

import rego.v1

default decision := {"allow": true}

decision := {"allow": false, "message": "Research is switched off by policy."} if {
	input.operation.type == "tool"
	input.operation.name == "${RESEARCH}"
}
`;

/** Sampling answers are withheld; the task handle a client answers with first is not one. */
const WITHHOLD_SAMPLES = `package mcp

import rego.v1

default decision := {"allow": true}

decision := {"allow": false, "message": "Sampling answers are withheld by policy."} if {
	input.message.kind == "response"
	input.operation.name == "sampling/createMessage"
	not input.arguments.task
}
`;

let client: ScenarioClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

/** server-everything through the built shim, with a policy file the test may rewrite. */
async function connect(policyText: string): Promise<{ client: ScenarioClient; policy: string }> {
  const policy = join(mkdtempSync(join(tmpdir(), 'shim-tasks-')), 'policy.rego');
  writeFileSync(policy, policyText);
  const spec = launchSpec('shim', nodeServer(everythingServer), {
    policy,
    extraArgs: ['--log-level', 'info'],
  });
  client = await connectV1(spec);
  return { client, policy };
}

describe('2025-11-25 tasks through the shim (server-everything, v1 SDK client)', () => {
  it('runs a task-augmented tool call to its result, and lists and cancels a task', async () => {
    const { client: c } = await connect(ALLOW_ALL);
    const run = await c.callToolAsTask?.(RESEARCH, { topic: 'tides' });
    expect(run?.statuses.at(-1)).toBe('completed');
    expect(JSON.stringify(run?.result)).toContain('Research Report: tides');
    const managed = await c.startListCancelTask?.(RESEARCH, { topic: 'winds' });
    const created = (managed as { created: { taskId: string } }).created;
    const listed = (managed as { listed: { tasks: { taskId: string }[] } }).listed;
    expect(listed.tasks.map((task) => task.taskId)).toContain(created.taskId);
    expect(managed).toMatchObject({ cancelled: { status: 'cancelled' } });
  });

  it('never relays a denied tool’s task: the call is denied before a task exists', async () => {
    const { client: c } = await connect(DENY_RESEARCH);
    const run = await c.callToolAsTask?.(RESEARCH, { topic: 'tides' });
    // The policy hides the tool: the denial is a JSON-RPC error carrying the policy's reason.
    expect(JSON.stringify(run?.result)).toContain('MCP error -32602');
    expect(JSON.stringify(run?.result)).not.toContain('Research Report');
  });

  it('judges tasks/result as the call that created the task: a policy that now denies the tool withholds its result', async () => {
    const policy = join(mkdtempSync(join(tmpdir(), 'shim-tasks-')), 'policy.rego');
    writeFileSync(policy, ALLOW_ALL);
    const spec = launchSpec('shim', nodeServer(everythingServer), {
      policy,
      extraArgs: ['--log-level', 'info'],
    });
    const transport = new StdioClientTransport({ ...spec, stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const sdk = new Client({ name: 'e2e-tasks', version: '1.0.0' }, { capabilities: {} });
    await sdk.connect(transport);
    try {
      const stream = sdk.experimental.tasks.callToolStream(
        { name: RESEARCH, arguments: { topic: 'tides' } },
        CallToolResultSchema,
        { task: { ttl: 60_000 } },
      );
      const first = await stream.next();
      await stream.return(undefined);
      if (first.done === true || first.value.type !== 'taskCreated') {
        throw new Error(`expected a task, got ${JSON.stringify(first.value)}`);
      }
      const { taskId } = first.value.task;

      writeFileSync(policy, DENY_RESEARCH);
      const deadline = Date.now() + 20_000;
      while (!stderr.includes('policy reloaded')) {
        if (Date.now() > deadline) throw new Error(`the policy did not reload:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      // Polling the task's status stays possible; its result (the tool's output) does not.
      expect((await sdk.experimental.tasks.getTask(taskId)).taskId).toBe(taskId);
      await expect(
        sdk.experimental.tasks.getTaskResult(taskId, CallToolResultSchema),
      ).rejects.toThrow('Research is switched off by policy.');
    } finally {
      await sdk.close();
    }
  });

  it('judges a client-side task’s tasks/result answer as the answer to the server request that created it', async () => {
    const { client: c } = await connect(WITHHOLD_SAMPLES);
    const reply = await c.callTool('trigger-sampling-request-async', { prompt: 'Say hi' });
    const text = JSON.stringify(reply);
    // The client made the task and produced its canned sample; the server never receives it.
    expect(c.handled.map((request) => request.method)).toContain('sampling/createMessage');
    expect(text).not.toContain('Canned sample from the e2e client.');
    expect(text).toContain('Sampling answers are withheld by policy.');
  });
});
