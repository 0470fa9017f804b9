import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../src/child/exit-code.js';
import type { ServerProcess } from '../../src/child/start-server.js';
import { startFixture, talkTo } from './fixture-session.js';

const started: ServerProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.shutdown()));
});

async function exitAfterInitialize(env: Record<string, string>): Promise<number> {
  const server = await startFixture('exit-code-server.mjs', { env });
  started.push(server);
  await talkTo(server).request('initialize', {});
  return exitCodeOf(await server.exited);
}

describe('exitCodeOf', () => {
  it('is the server exit code when it exits on its own', async () => {
    expect(await exitAfterInitialize({ EXIT_CODE: '7' })).toBe(7);
  });

  it('is zero for a server that exits cleanly', async () => {
    expect(await exitAfterInitialize({ EXIT_CODE: '0' })).toBe(0);
  });

  it('is 128 + the signal number when the server is killed by a signal, as a shell reports it', async () => {
    expect(await exitAfterInitialize({ EXIT_SIGNAL: 'SIGTERM' })).toBe(143);
    const server = await startFixture('echo-server.mjs');
    started.push(server);
    server.kill('SIGKILL');
    expect(exitCodeOf(await server.exited)).toBe(137);
  });

  it('is the exit code of a server that exits on stdin EOF', async () => {
    const server = await startFixture('exit-code-server.mjs', { env: { EXIT_CODE: '4' } });
    started.push(server);
    server.stdin.end();
    expect(exitCodeOf(await server.exited)).toBe(4);
  });

  it('is 1 when neither a code nor a known signal is reported', () => {
    expect(exitCodeOf({ code: null, signal: null })).toBe(1);
  });
});
