import { isLogMessage } from './frame-recorder.js';
import { runInteractiveSections } from './everything-interactive.js';
import type { ScenarioClient } from './scenario-client.js';
import { outcome, recordConnect, runSection, type Transcript } from './transcript.js';

/**
 * Drives every feature of server-everything once and returns the transcript.
 * The transparency tests run it direct and through the shim and compare.
 */
export async function runEverythingScenario(client: ScenarioClient): Promise<Transcript> {
  const t: Transcript = {};
  recordConnect(client, t);

  await runSection(client, t, 'handshake', async () => {
    const ping = await client.ping();
    // server-everything asks for roots 350 ms after `initialized`; let that settle first.
    await client.frames.waitFor('the roots sync log message', (f) =>
      isLogMessage(f, 'Roots updated: 1 root(s)'),
    );
    return { identity: client.serverIdentity(), ping };
  });

  await runSection(client, t, 'lists', async () => ({
    tools: await client.listTools(),
    prompts: await client.listPrompts(),
    resources: await client.listResources(),
    resourceTemplates: await client.listResourceTemplates(),
  }));

  await runSection(client, t, 'tools', async () => ({
    echo: await client.callTool('echo', { message: 'héllo wörld ✓ "quoted" \\ slash' }),
    sum: await client.callTool('get-sum', { a: 9007199254740991, b: 0.5 }),
    structured: await client.callTool('get-structured-content', { location: 'Chicago' }),
    image: await client.callTool('get-tiny-image', {}),
    annotated: await client.callTool('get-annotated-message', {
      messageType: 'error',
      includeImage: true,
    }),
    links: await client.callTool('get-resource-links', { count: 2 }),
    reference: await client.callTool('get-resource-reference', {
      resourceType: 'Blob',
      resourceId: 2,
    }),
    env: await client.callTool('get-env', {}),
    invalidArguments: await outcome(client.callTool('get-sum', { a: 'not a number', b: 1 })),
    unknownTool: await outcome(client.callTool('no-such-tool', {})),
  }));

  await runSection(client, t, 'prompts', async () => ({
    simple: await client.getPrompt('simple-prompt', {}),
    args: await client.getPrompt('args-prompt', { city: 'Lyon', state: 'Rhône' }),
    completable: await client.getPrompt('completable-prompt', { department: 'Sales', name: 'Eve' }),
    resource: await client.getPrompt('resource-prompt', { resourceType: 'Text', resourceId: '3' }),
    unknown: await outcome(client.getPrompt('no-such-prompt', {})),
  }));

  await runSection(client, t, 'completions', async () => ({
    department: await client.complete({
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'department', value: 'S' },
    }),
    nameInContext: await client.complete({
      ref: { type: 'ref/prompt', name: 'completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { arguments: { department: 'Engineering' } },
    }),
    templateVariable: await client.complete({
      ref: { type: 'ref/resource', uri: 'demo://resource/dynamic/text/{resourceId}' },
      argument: { name: 'resourceId', value: '42' },
    }),
  }));

  await runSection(client, t, 'resources', async () => ({
    staticDoc: await client.readResource('demo://resource/static/document/features.md'),
    templateText: await client.readResource('demo://resource/dynamic/text/5'),
    templateBlob: await client.readResource('demo://resource/dynamic/blob/6'),
    unknown: await outcome(client.readResource('demo://resource/dynamic/text/not-a-number')),
  }));

  await runInteractiveSections(client, t);
  return t;
}
