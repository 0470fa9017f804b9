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
async function inspect(
  command: string,
  args: string[],
  method: string[] = ['--method', 'tools/list'],
): Promise<Record<string, unknown>> {
  const cli = join(inspectorCliDir, 'build/cli.js');
  // The inspector starts the server with only a few inherited variables: the test's state home
  // (tool pins) is passed on explicitly, to both routes alike.
  const stateHome = process.env['XDG_STATE_HOME'];
  const passEnv = stateHome === undefined ? [] : ['-e', `XDG_STATE_HOME=${stateHome}`];
  const { stdout } = await run(
    process.execPath,
    [cli, '--cli', ...passEnv, command, ...args, ...method],
    {
      cwd: join(inspectorCliDir, 'build'),
      env: testEnv(),
      timeout: 25_000,
    },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('Real clients: the MCP Inspector CLI', () => {
  it('lists the tools of server-everything through the shim, the same as direct', async () => {
    assertShimBuilt();
    const server = nodeServer(everythingServer, 'stdio');
    const [direct, shim] = await Promise.all([
      inspect(server.command, [...server.args]),
      inspect(process.execPath, shimArgs(server)),
    ]);
    expect((direct['tools'] as { name: string }[]).map((tool) => tool.name)).toContain('echo');
    expect(shim).toEqual(direct);
  });

  it('calls a tool through the shim, the same as direct', async () => {
    assertShimBuilt();
    const server = nodeServer(everythingServer, 'stdio');
    const call = ['--method', 'tools/call', '--tool-name', 'get-sum', '--tool-arg', 'a=2', 'b=40'];
    const [direct, shim] = await Promise.all([
      inspect(server.command, [...server.args], call),
      inspect(process.execPath, shimArgs(server), call),
    ]);
    expect(JSON.stringify(direct)).toContain('The sum of 2 and 40 is 42.');
    expect(shim).toEqual(direct);
  });
});
