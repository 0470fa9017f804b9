import { describe, expect, it } from 'vitest';
import { launchSpec, nodeServer, routes } from './helpers/launch.js';
import {
  modernExpectations,
  modernSections,
  runModernScenario,
} from './helpers/modern-scenario.js';
import { everythingServer, modernServer } from './helpers/paths.js';
import { defineRouteComparison } from './helpers/transparency-suite.js';
import { connectV1 } from './helpers/v1-client.js';
import { connectV2 } from './helpers/v2-client.js';

defineRouteComparison({
  title:
    'Modern era: a v2 client and a v2 server on 2026-07-28 work through the shim exactly as direct',
  server: nodeServer(modernServer),
  connect: (spec) => connectV2(spec, { pin: '2026-07-28' }),
  scenario: runModernScenario,
  expectations: modernExpectations,
  sections: modernSections,
});

describe('Dual-era negotiation through the shim', () => {
  const negotiate = async (server: string, args: string[]) =>
    Promise.all(
      routes.map(async (route) => {
        const client = await connectV2(launchSpec(route, nodeServer(server, ...args)), 'auto');
        try {
          return {
            era: client.era(),
            tools: ((await client.listTools()) as { tools: { name: string }[] }).tools.map(
              (x) => x.name,
            ),
          };
        } finally {
          await client.close();
        }
      }),
    );

  it('a dual-era v2 client probes the legacy server-everything, falls back to initialize, and lists its tools', async () => {
    const [direct, shim] = await negotiate(everythingServer, ['stdio']);
    expect(direct).toMatchObject({ era: { era: 'legacy' } });
    expect(direct!.tools).toContain('echo');
    expect(shim).toEqual(direct);
  });

  it('a dual-era v2 client probing the modern fixture settles on 2026-07-28', async () => {
    const [direct, shim] = await negotiate(modernServer, []);
    expect(direct).toMatchObject({ era: { era: 'modern', version: '2026-07-28' } });
    expect(shim).toEqual(direct);
  });

  it("a legacy v1 client gets the modern server's legacy face, input_required turned into elicitation", async () => {
    const [direct, shim] = await Promise.all(
      routes.map(async (route) => {
        const client = await connectV1(launchSpec(route, nodeServer(modernServer)));
        try {
          const result = await client.callTool('confirm-delete', { path: '/tmp/legacy' });
          return { identity: client.serverIdentity(), result, handled: client.handled };
        } finally {
          await client.close();
        }
      }),
    );
    expect(JSON.stringify(direct)).toContain('confirm=true');
    expect(JSON.stringify(direct)).toContain('elicitation/create');
    expect(shim).toEqual(direct);
  });
});
