import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { launchSpec, nodeServer, routes, type ShimOptions } from './helpers/launch.js';
import { policiesDir } from './helpers/paths.js';
import { connectV1 } from './helpers/v1-client.js';
import { connectV2 } from './helpers/v2-client.js';
import type { ScenarioClient } from './helpers/scenario-client.js';

const pagedServer = nodeServer(
  join(fileURLToPath(new URL('.', import.meta.url)), 'helpers/paged-list-server.mjs'),
);

type Lister = (client: ScenarioClient) => Promise<unknown>;

/** Lists everything with each client, direct and through the shim, and returns [direct, shim]. */
async function listBothWays(
  connect: typeof connectV1,
  list: Lister,
  shimOptions: ShimOptions = {},
): Promise<unknown[]> {
  return Promise.all(
    routes.map(async (route) => {
      const client = await connect(launchSpec(route, pagedServer, shimOptions));
      try {
        client.frames.section('lists');
        const aggregated = await list(client);
        return { aggregated, frames: client.frames.frameSet('lists') };
      } finally {
        await client.close();
      }
    }),
  );
}

const everyList: Lister = async (client) => ({
  tools: await client.listTools(),
  prompts: await client.listPrompts(),
  resources: await client.listResources(),
  templates: await client.listResourceTemplates(),
});

describe('Paginated lists: every page and every nextCursor passes through the shim', () => {
  const followCursors: Lister = async (client) => {
    const pages: unknown[] = [];
    let cursor: string | undefined;
    do {
      const page = (await client.listToolsPage!(cursor)) as { nextCursor?: string };
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return pages;
  };

  it('a v1 client following nextCursor page by page sees the same pages through the shim', async () => {
    const [direct, shim] = await listBothWays(connectV1, followCursors);
    expect(direct).toMatchObject({ aggregated: { length: 3 } });
    expect(shim).toEqual(direct);
  });

  it('a policy that hides a tool drops it from its page and keeps every nextCursor', async () => {
    const [direct, shim] = await listBothWays(connectV1, followCursors, {
      policy: join(policiesDir, 'hide-tool-3.rego'),
    });
    type Page = { tools: { name: string }[]; nextCursor?: string };
    const directPages = (direct as { aggregated: Page[] }).aggregated;
    const shimPages = (shim as { aggregated: Page[] }).aggregated;
    expect(directPages.map((p) => p.tools.map((t) => t.name))).toEqual([
      ['tool-1', 'tool-2'],
      ['tool-3', 'tool-4'],
      ['tool-5'],
    ]);
    const withoutTool3 = directPages.map((p) => ({
      ...p,
      tools: p.tools.filter((t) => t.name !== 'tool-3'),
    }));
    expect(shimPages).toEqual(withoutTool3);
  });

  it('a v2 client aggregating all four lists sees the same items and pages through the shim', async () => {
    const [direct, shim] = await listBothWays(connectV2, everyList);
    // 5 tools in pages of 2: three tools/list frames, two with a nextCursor.
    const frames = JSON.stringify((direct as { frames: unknown[] }).frames);
    expect(frames.match(/"nextCursor"/g)).toHaveLength(2 + 1 + 1 + 1);
    expect(JSON.stringify(direct)).toContain('"name":"tool-5"');
    expect(shim).toEqual(direct);
  });
});
