import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type ServerProcess } from '../../src/child/start-server.js';
import { startFixture, talkTo } from './fixture-session.js';

const started: ServerProcess[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.kill('SIGKILL');
});
const track = (server: ServerProcess): ServerProcess => (started.push(server), server);

describe('ServerProcess.shutdown', () => {
  it('ends a well-behaved server by closing its stdin, with no signal', async () => {
    const server = track(await startFixture('echo-server.mjs'));
    await talkTo(server).request('ping');
    expect(await server.shutdown()).toEqual({
      stage: 'stdin-closed',
      exit: { code: 0, signal: null },
    });
  });

  it('sends SIGTERM to a server that ignores stdin EOF', async () => {
    const server = track(
      await startServer({
        command: process.execPath,
        args: ['-e', 'setInterval(() => {}, 1000); process.stdout.write("ready\\n")'],
        env: {},
        shutdownGraceMs: 200,
      }),
    );
    await new Promise((resolve) => server.stdout.once('data', resolve));
    expect(await server.shutdown()).toEqual({
      stage: 'sigterm',
      exit: { code: null, signal: 'SIGTERM' },
    });
  });

  it('escalates to SIGKILL for a server that ignores SIGTERM', async () => {
    const server = track(
      await startFixture('ignores-sigterm-server.mjs', { shutdownGraceMs: 200 }),
    );
    await talkTo(server).request('ping');
    expect(await server.shutdown()).toEqual({
      stage: 'sigkill',
      exit: { code: null, signal: 'SIGKILL' },
    });
  });

  it('reports a server that had already exited without signalling it', async () => {
    const server = track(await startFixture('exit-code-server.mjs', { env: { EXIT_CODE: '3' } }));
    await talkTo(server).request('initialize', {});
    await server.exited;
    expect(await server.shutdown()).toEqual({
      stage: 'already-exited',
      exit: { code: 3, signal: null },
    });
  });

  it('returns the same shutdown when asked twice', async () => {
    const server = track(await startFixture('echo-server.mjs'));
    expect(server.shutdown()).toBe(server.shutdown());
    await server.exited;
  });
});
