import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { shimArgs, testEnv, nodeServer } from './helpers/launch.js';
import { assertShimBuilt, everythingServer, inspectorCliDir } from './helpers/paths.js';

const run = promisify(execFile);

/**
 * `npx @modelcontextprotocol/inspector --cli` needs the full inspector (Node 22, not installed, and
 * npx is offline here); its `--cli` mode is the `@modelcontextprotocol/inspector-cli` package, whose
 * `cli.js` is the same launcher, so we run that. Its package.json lookup is relative to the working
 * directory, so it runs from its own `build/`.
 *
 * The command line is the one a user types: `--cli <shim> [shim options] -- <server> --method tools/list`.
 * The inspector removes the first `--` before it launches the target, so the shim must also accept
 * its command as the first positional argument.
 */
async function inspect(command: string, args: string[]): Promise<{ tools: { name: string }[] }> {
  const cli = join(inspectorCliDir, 'build/cli.js');
  const { stdout } = await run(
    process.execPath,
    [cli, '--cli', command, ...args, '--method', 'tools/list'],
    {
      cwd: join(inspectorCliDir, 'build'),
      env: testEnv(),
      timeout: 25_000,
    },
  );
  return JSON.parse(stdout) as { tools: { name: string }[] };
}

describe('Real clients: the MCP Inspector CLI', () => {
  it('lists the tools of server-everything through the shim, the same as direct', async () => {
    assertShimBuilt();
    const server = nodeServer(everythingServer, 'stdio');
    const [direct, shim] = await Promise.all([
      inspect(server.command, [...server.args]),
      inspect(process.execPath, shimArgs(server)),
    ]);
    expect(direct.tools.map((tool) => tool.name)).toContain('echo');
    expect(shim).toEqual(direct);
  });
});
