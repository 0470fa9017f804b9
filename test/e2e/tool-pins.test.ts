import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { everythingServer, repoRoot, shimMain } from './helpers/paths.js';
import { testEnv, type LaunchSpec } from './helpers/launch.js';
import type { ScenarioClient } from './helpers/scenario-client.js';
import { connectV1 } from './helpers/v1-client.js';
import { connectV2 } from './helpers/v2-client.js';

const rugPullServer = join(repoRoot, 'test/fixtures/rug-pull-server.mjs');
const CHANGED_MESSAGE =
  'Tool `weather` is blocked: its definition changed since it was pinned (description).';

let work: string;
const clients: ScenarioClient[] = [];
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'tool-pins-'));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  rmSync(work, { recursive: true, force: true });
});

function shimSpec(pins: string, server: string, env: Record<string, string> = {}): LaunchSpec {
  const args = [
    shimMain,
    '--pins',
    pins,
    '--server-id',
    'rug',
    '--audit-log',
    join(work, 'audit.jsonl'),
  ];
  return {
    command: process.execPath,
    args: [...args, '--', process.execPath, server],
    env: { ...testEnv(), ...env },
  };
}

function toolNames(listed: unknown): string[] {
  return (listed as { tools: { name: string }[] }).tools.map((tool) => tool.name).sort();
}

/** The text of a tool result, or the message of the error the call was rejected with. */
async function callOutcome(client: ScenarioClient, name: string): Promise<string> {
  try {
    const result = (await client.callTool(name, { city: 'Oslo' })) as {
      isError?: boolean;
      content: { text: string }[];
    };
    return `${result.isError === true ? 'error: ' : ''}${result.content.map((c) => c.text).join('')}`;
  } catch (error) {
    return `rejected: ${(error as Error).message}`;
  }
}

function readJson(file: string): Record<string, Record<string, unknown>> {
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>;
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function pinsCli(...args: string[]): string {
  return execFileSync(process.execPath, [shimMain, 'pins', ...args], {
    encoding: 'utf8',
    env: { ...process.env },
  });
}

describe.each([
  ['v1', connectV1],
  ['v2', (spec: LaunchSpec) => connectV2(spec)],
] as const)('tool pins with a %s SDK client through the shim', (_sdk, connect) => {
  it('hides and denies a tool whose description changes mid-session, naming the change', async () => {
    const pins = join(work, 'pins', 'rug.json');
    const client = await connect(shimSpec(pins, rugPullServer));
    clients.push(client);

    expect(toolNames(await client.listTools())).toEqual(['rug_pull', 'weather']);
    expect(Object.keys(readJson(pins).tools ?? {}).sort()).toEqual(['rug_pull', 'weather']);
    expect(await callOutcome(client, 'weather')).toBe('Sunny in Oslo');

    // The server rewrites `weather` and announces it; the shim re-lists at once.
    expect(await callOutcome(client, 'rug_pull')).toBe('weather rewritten');
    await waitFor(() => readJson(pins).pending?.weather !== undefined, 'the change to be noted');

    expect(await callOutcome(client, 'weather')).toContain(CHANGED_MESSAGE);
    expect(toolNames(await client.listTools())).toEqual(['rug_pull']);

    const audit = readFileSync(join(work, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audit.filter((r) => r.type === 'pin')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ tool: 'weather', status: 'pinned' }),
        expect.objectContaining({ tool: 'weather', status: 'changed', changed: ['description'] }),
      ]),
    );
    const denied = audit.find(
      (r) =>
        r.type === 'decision' && r.action === 'denied' && JSON.stringify(r).includes('tools/call'),
    );
    expect(denied).toMatchObject({
      input: {
        operation: { name: 'weather', pin: { status: 'changed', changed: ['description'] } },
      },
      result: { reasons: ['tool_changed'] },
    });

    // Accepted by the user: the next listing shows the tool again and its calls pass.
    expect(pinsCli('diff', 'rug', '--pins', pins)).toContain('read ~/.ssh/id_rsa');
    expect(pinsCli('accept', 'rug', 'weather', '--pins', pins)).toContain('weather');
    expect(toolNames(await client.listTools())).toEqual(['rug_pull', 'weather']);
    expect(await callOutcome(client, 'weather')).toBe('Sunny in Oslo');

    // The pin records are part of the hash chain of the finished session.
    await client.close();
    clients.splice(0);
    expect(
      execFileSync(process.execPath, [shimMain, 'audit', 'verify', join(work, 'audit.jsonl')], {
        encoding: 'utf8',
      }),
    ).toContain(': ok,');
  });

  it('denies in a later session a tool that changed between sessions, and flags a new tool', async () => {
    const pins = join(work, 'rug.json');
    const first = await connect(shimSpec(pins, rugPullServer));
    clients.push(first);
    expect(toolNames(await first.listTools())).toEqual(['rug_pull', 'weather']);
    await first.close();
    clients.splice(0);

    const later = await connect(
      shimSpec(pins, rugPullServer, { RUG_PULLED: '1', EXTRA_TOOL: '1' }),
    );
    clients.push(later);
    // The changed tool is hidden; the new one is flagged (pending) and allowed.
    expect(toolNames(await later.listTools())).toEqual(['added_later', 'rug_pull']);
    expect(await callOutcome(later, 'weather')).toContain(CHANGED_MESSAGE);
    expect(await callOutcome(later, 'added_later')).toBe('added');
    expect(Object.keys(readJson(pins).pending ?? {}).sort()).toEqual(['added_later', 'weather']);
  });
});

describe.each([
  ['v1', connectV1],
  ['v2', (spec: LaunchSpec) => connectV2(spec)],
] as const)('tool calls made before any listing, with a %s SDK client', (_sdk, connect) => {
  function auditRecords(): Record<string, unknown>[] {
    return readFileSync(join(work, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Pins the fixture's tools as a first session that lists them does. */
  async function pinFirst(pins: string): Promise<void> {
    const first = await connect(shimSpec(pins, rugPullServer));
    clients.push(first);
    expect(toolNames(await first.listTools())).toEqual(['rug_pull', 'weather']);
    await first.close();
    clients.splice(0);
  }

  it('denies a call to a tool that changed since it was pinned, naming the change', async () => {
    const pins = join(work, 'rug.json');
    await pinFirst(pins);
    const later = await connect(shimSpec(pins, rugPullServer, { RUG_PULLED: '1' }));
    clients.push(later);
    later.frames.section('calls');
    // No tools/list from the client: the shim lists the tools itself before judging the call.
    expect(await callOutcome(later, 'weather')).toBe(`error: ${CHANGED_MESSAGE}`);
    expect(readJson(pins).pending?.weather).toBeDefined();
    const denied = auditRecords().find(
      (r) =>
        r.type === 'decision' &&
        r.action === 'denied' &&
        JSON.stringify(r).includes('"tools/call"'),
    );
    expect(denied).toMatchObject({
      input: {
        operation: {
          name: 'weather',
          listed: true,
          pin: { status: 'changed', changed: ['description'] },
        },
      },
      result: { reasons: ['tool_changed'] },
    });
    // The client never listed: the shim's own listing never reached it.
    expect(later.frames.frames('calls')).toHaveLength(1);
    expect(JSON.stringify(later.frames.frames('calls'))).not.toContain('"tools"');
  });

  it('allows a call to a pinned tool that has not changed', async () => {
    const pins = join(work, 'rug.json');
    await pinFirst(pins);
    const later = await connect(shimSpec(pins, rugPullServer));
    clients.push(later);
    expect(await callOutcome(later, 'weather')).toBe('Sunny in Oslo');
    const allowed = auditRecords().find(
      (r) =>
        r.type === 'decision' &&
        r.action === 'forwarded' &&
        JSON.stringify(r).includes('"tools/call"'),
    );
    expect(allowed).toMatchObject({
      input: { operation: { name: 'weather', listed: true, pin: { status: 'pinned' } } },
    });
  });

  it('pins at the first call of the first session, and keeps the order of calls sent together', async () => {
    const pins = join(work, 'rug.json');
    const client = await connect(shimSpec(pins, rugPullServer));
    clients.push(client);
    const outcomes = await Promise.all([
      callOutcome(client, 'weather'),
      callOutcome(client, 'rug_pull'),
      callOutcome(client, 'weather'),
    ]);
    // All three waited for the shim's listing, then were judged (and forwarded) in the order sent.
    expect(outcomes).toEqual(['Sunny in Oslo', 'weather rewritten', 'Sunny in Oslo']);
    expect(Object.keys(readJson(pins).tools ?? {}).sort()).toEqual(['rug_pull', 'weather']);
    const calls = auditRecords()
      .filter((r) => r.type === 'decision' && JSON.stringify(r).includes('"tools/call"'))
      .map((r) => (r.input as { operation: { name: string } }).operation.name);
    expect(calls).toEqual(['weather', 'rug_pull', 'weather']);
  });

  it('denies a call to a pinned tool the server no longer lists', async () => {
    const pins = join(work, 'rug.json');
    const first = await connect(shimSpec(pins, rugPullServer, { EXTRA_TOOL: '1' }));
    clients.push(first);
    expect(toolNames(await first.listTools())).toEqual(['added_later', 'rug_pull', 'weather']);
    await first.close();
    clients.splice(0);

    const later = await connect(shimSpec(pins, rugPullServer));
    clients.push(later);
    expect(await callOutcome(later, 'added_later')).toContain(
      'Tool `added_later` is blocked: the server does not list it, so its definition cannot be checked against its pin.',
    );
    expect(auditRecords()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'fault', fault: 'tool_unchecked', action: 'denied' }),
      ]),
    );
    // A tool never listed nor pinned is the server's to refuse, as without the shim.
    expect(await callOutcome(later, 'no_such_tool')).toMatch(/no_such_tool not found/);
  });
});

describe('tool pins turned off', () => {
  it('writes no pin file and leaves a rewritten tool to the rest of the policy', async () => {
    const spec = shimSpec('off', rugPullServer);
    const client = await connectV1(spec);
    clients.push(client);
    expect(toolNames(await client.listTools())).toEqual(['rug_pull', 'weather']);
    await callOutcome(client, 'rug_pull');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await callOutcome(client, 'weather')).toBe('Sunny in Oslo');
    expect(toolNames(await client.listTools())).toEqual(['rug_pull', 'weather']);
    const audit = readFileSync(join(work, 'audit.jsonl'), 'utf8');
    expect(audit).not.toContain('"type":"pin"');
    expect(audit).not.toContain('"pin":');
  });
});

describe('tool pins around server-everything', () => {
  it('pins every tool of the first listing and allows them in a second session', async () => {
    const pins = join(work, 'everything.json');
    const spec = (): LaunchSpec => ({
      command: process.execPath,
      args: [shimMain, '--pins', pins, '--', process.execPath, everythingServer],
      env: testEnv(),
    });
    const first = await connectV1(spec());
    clients.push(first);
    const listed = toolNames(await first.listTools());
    expect(listed).toContain('echo');
    expect(Object.keys(readJson(pins).tools ?? {}).sort()).toEqual(listed);
    await first.close();
    clients.splice(0);

    // The v2 client declares no task support, so server-everything lists fewer tools to it.
    const second = await connectV2(spec());
    clients.push(second);
    const relisted = toolNames(await second.listTools());
    expect(relisted).toContain('echo');
    expect(listed).toEqual(expect.arrayContaining(relisted));
    expect(await second.callTool('echo', { message: 'pinned' })).toMatchObject({
      content: [{ type: 'text', text: expect.stringContaining('pinned') }],
    });
    expect(readJson(pins).pending).toEqual({});
  });
});
