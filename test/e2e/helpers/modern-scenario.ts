import { expect } from 'vitest';
import type { ScenarioClient } from './scenario-client.js';
import { outcome, runSection, type SectionRecord, type Transcript } from './transcript.js';

/** Drives test/fixtures/modern-server.mjs, including the multi-round-trip (`input_required`) tools. */
export async function runModernScenario(client: ScenarioClient): Promise<Transcript> {
  const t: Transcript = {};
  // `ping` does not exist in 2026-07-28; `server/discover` may be asked again at any time.
  await runSection(client, t, 'discovery', async () => ({
    identity: client.serverIdentity(),
    discover: await client.discover?.(),
  }));
  await runSection(client, t, 'lists', async () => ({
    tools: await client.listTools(),
    prompts: await client.listPrompts(),
    resources: await client.listResources(),
  }));
  await runSection(client, t, 'tools', async () => ({
    echo: await client.callTool('echo', { message: 'modern ✓' }),
    structured: await client.callTool('weather', { city: 'Lisbon' }),
    unknown: await outcome(client.callTool('no-such-tool', {})),
  }));
  await runSection(client, t, 'input-required-elicitation', () =>
    client.callTool('confirm-delete', { path: '/tmp/e2e-file' }),
  );
  await runSection(client, t, 'input-required-sampling', () =>
    client.callTool('summarize', { text: 'A long story.' }),
  );
  await runSection(client, t, 'subscriptions-listen', async () => {
    const subscription = await client.listen!({
      toolsListChanged: true,
      resourceSubscriptions: ['fixture://readme'],
    });
    const added = await client.callTool('add-tool', {});
    await client.frames.waitFor(
      'tools/list_changed on the stream',
      isMethod('notifications/tools/list_changed'),
    );
    await client.frames.waitFor(
      'resources/updated on the stream',
      isMethod('notifications/resources/updated'),
    );
    const tools = await client.listTools();
    await subscription.close();
    return { honored: subscription.honoredFilter, added, tools };
  });
  await runSection(client, t, 'prompts-and-resources', async () => ({
    prompt: await client.getPrompt('greet', { name: 'Grace' }),
    resource: await client.readResource('fixture://readme'),
  }));
  return t;
}

const text = (value: unknown): string => JSON.stringify(value);
const isMethod = (method: string) => (frame: unknown) =>
  (frame as { method?: unknown }).method === method;

// No `connect` section: the v2 SDK probes `server/discover` on a sibling process, so the
// session's own transport carries no handshake frames; `discovery` asks again on it.
export const modernSections = [
  'discovery',
  'lists',
  'tools',
  'input-required-elicitation',
  'input-required-sampling',
  'subscriptions-listen',
  'prompts-and-resources',
];

export const modernExpectations: Record<string, (direct: SectionRecord) => void> = {
  discovery: (d) => {
    expect(text(d.results)).toContain('"era":"modern","protocolVersion":"2026-07-28"');
    expect(text(d.results)).toContain('"supportedVersions"');
  },
  lists: (d) => {
    expect(text(d.results)).toContain('"name":"confirm-delete"');
  },
  tools: (d) => {
    expect(text(d.results)).toContain('"structuredContent":{"city":"Lisbon","celsius":18}');
  },
  'input-required-elicitation': (d) => {
    // The server answered `input_required`, the client elicited, then retried with inputResponses.
    expect(text(d.frames)).toContain('input_required');
    expect(text(d.handled)).toContain('Delete /tmp/e2e-file?');
    expect(text(d.results)).toContain('confirm=true state=delete:/tmp/e2e-file');
  },
  'input-required-sampling': (d) => {
    expect(text(d.frames)).toContain('input_required');
    expect(text(d.handled)).toContain('sampling/createMessage');
    expect(text(d.results)).toContain('Canned sample from the e2e client.');
  },
  'subscriptions-listen': (d) => {
    expect(text(d.results)).toContain('"resourceSubscriptions":["fixture://readme"]');
    expect(text(d.results)).toContain('"name":"added-1"');
    expect(text(d.frames)).toContain('notifications/subscriptions/acknowledged');
    expect(text(d.frames)).toContain('"uri":"fixture://readme"');
  },
  'prompts-and-resources': (d) => {
    expect(text(d.results)).toContain('Hello, Grace!');
    expect(text(d.results)).toContain('Modern fixture readme.');
  },
};
