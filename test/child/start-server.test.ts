import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerSpawnError } from '../../src/child/spawn-error.js';
import { startServer, type ServerProcess } from '../../src/child/start-server.js';
import { startFixture, talkTo } from './fixture-session.js';

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.shutdown()));
});
const track = (server: ServerProcess): ServerProcess => (started.push(server), server);

async function spawnError(command: string): Promise<ServerSpawnError> {
  const error: unknown = await startServer({
    command,
    args: [],
    env: { PATH: process.env.PATH ?? '' },
  }).then(
    (server) => track(server),
    (rejection: unknown) => rejection,
  );
  if (!(error instanceof ServerSpawnError))
    throw new Error(`expected a ServerSpawnError for ${command}`);
  return error;
}

describe('startServer', () => {
  it('starts a fixture server whose pipes carry the protocol', async () => {
    const server = track(await startFixture('echo-server.mjs'));
    const reply = await talkTo(server).request('initialize', { protocolVersion: '2025-06-18' });
    expect(reply).toMatchObject({ id: 1, result: { protocolVersion: '2025-06-18' } });
    expect(server.pid).toBeGreaterThan(0);
    expect(server.exit).toBeUndefined();
  });

  it('gives the server exactly the environment it is given and nothing of ours', async () => {
    const server = track(
      await startServer({
        command: process.execPath,
        args: ['-e', 'process.stdout.write(JSON.stringify(process.env) + "\\n")'],
        env: { ONLY_THIS: 'yes' },
      }),
    );
    let text = '';
    for await (const chunk of server.stdout) text += String(chunk);
    expect(JSON.parse(text)).toEqual({ ONLY_THIS: 'yes' });
  });

  it('exposes the server stderr when asked to pipe it', async () => {
    const server = track(await startFixture('noisy-stdout-server.mjs', { stderr: 'pipe' }));
    const logged = new Promise<string>((resolve) =>
      server.stderr?.once('data', (c) => {
        resolve(String(c));
      }),
    );
    await talkTo(server).request('ping');
    expect(await logged).toContain('noisy-stdout-server read:');
  });

  it('explains a command that is not on PATH, naming it and the fix', async () => {
    const error = await spawnError('no-such-mcp-server-xyz');
    expect(error.message).toBe(
      'Could not start `no-such-mcp-server-xyz`: not found on PATH. Check the command after `--`.',
    );
    expect(error.code).toBe('ENOENT');
    expect(error.exitCode).toBe(127);
  });

  it('explains a command path that does not exist', async () => {
    const error = await spawnError('./missing/server.js');
    expect(error.message).toBe(
      'Could not start `./missing/server.js`: no such file. Check the command after `--`.',
    );
  });

  it('explains a command that is not executable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-child-'));
    const script = join(dir, 'server.sh');
    await writeFile(script, '#!/bin/sh\nexit 0\n');
    await chmod(script, 0o644);
    const error = await spawnError(script);
    expect(error.message).toBe(
      `Could not start \`${script}\`: permission denied (is it an executable file?). Check the command after \`--\`.`,
    );
    expect(error.exitCode).toBe(126);
  });

  it('starts an executable script given by path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-child-'));
    const script = join(dir, 'server.sh');
    await writeFile(script, '#!/bin/sh\nexit 5\n');
    await chmod(script, 0o755);
    const server = track(await startServer({ command: script, args: [], env: {} }));
    expect(await server.exited).toEqual({ code: 5, signal: null });
    expect(server.exit).toEqual({ code: 5, signal: null });
  });
});
