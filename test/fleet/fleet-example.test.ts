import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, SHIM } from '../helpers/shim-process.js';
import { opaPath } from '../policy/opa-cli.js';
import { waitFor } from './helpers/fleet-setup.js';
import { Nginx } from './helpers/nginx.js';
import { OpaServer } from './helpers/opa-bundles.js';

const MEMORY_SERVER = join(REPO, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');

/** examples/fleet/README.md, step by step, with its own files, publish.sh and opa-config.yaml. */
describe('examples/fleet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fleet-example-'));
  // A copy, so that step 4's edit leaves the example untouched.
  const example = join(dir, 'example');
  const nginx = new Nginx();
  const opa = new OpaServer();
  const env = {
    PATH: `${dirname(opaPath())}:${process.env.PATH ?? ''}`,
    HOME: dir,
    XDG_STATE_HOME: join(dir, 'state'),
    MEMORY_FILE_PATH: join(dir, 'memory.jsonl'),
  };
  const published = join(nginx.www, 'bundles', 'mcp.tar.gz');
  const publish = (revision: string) => {
    execFileSync(join(example, 'publish.sh'), [revision, published], { env, stdio: 'pipe' });
  };
  let client: Client;

  beforeAll(async () => {
    cpSync(join(REPO, 'examples/fleet'), example, { recursive: true });
    await nginx.start();
    mkdirSync(dirname(published), { mode: 0o755 });
    publish('v1');
    const fleetEnv = { ...env, FLEET_BUNDLE_SERVER: `${nginx.url}/` };
    // OPA substitutes ${FLEET_BUNDLE_SERVER} too: both read the very same file.
    await opa.start(join(example, 'opa-config.yaml'), fleetEnv);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [
        SHIM,
        '--config',
        join(example, 'opa-config.yaml'),
        '--',
        process.execPath,
        MEMORY_SERVER,
      ],
      env: fleetEnv,
      stderr: 'pipe',
    });
    client = new Client({ name: 'fleet-example', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close();
    await Promise.all([opa.stop(), nginx.stop()]);
  });

  const create = () =>
    client
      .callTool({
        name: 'create_entities',
        arguments: {
          entities: [{ name: `e${String(Date.now())}`, entityType: 't', observations: [] }],
        },
      })
      .then((result) => (result.isError === true ? 'denied' : 'allowed'))
      .catch(() => 'denied');

  it('step 3: the shim (and an OPA agent) run revision v1, which blocks create_entities', async () => {
    expect(await create()).toBe('denied');
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toContain('read_graph');
    expect(tools).not.toContain('create_entities');
    await waitFor('OPA to activate v1', async () => (await opa.bundleRevision('mcp')) === 'v1');
    expect(
      await opa.decide({ operation: { type: 'tool', name: 'create_entities' } }),
    ).toMatchObject({ allow: false });
  });

  it('step 4: an edited data.json, published as v2, reaches the running shim', async () => {
    writeFileSync(join(example, 'data.json'), '{"blocked_tools": []}\n');
    publish('v2');
    await waitFor(
      'the shim to allow create_entities',
      async () => (await create()) === 'allowed',
      10_000,
    );
    await waitFor('OPA to activate v2', async () => (await opa.bundleRevision('mcp')) === 'v2');
    expect(
      await opa.decide({ operation: { type: 'tool', name: 'create_entities' } }),
    ).toMatchObject({ allow: true });
  });
});
