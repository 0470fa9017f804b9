import { afterEach, describe, expect, it } from 'vitest';
import { FORWARDED_SIGNALS, forwardSignals } from '../../src/child/forward-signals.js';
import type { ServerProcess } from '../../src/child/start-server.js';
import { startFixture, talkTo } from './fixture-session.js';

const started: ServerProcess[] = [];
afterEach(() => {
  for (const server of started.splice(0)) server.kill('SIGKILL');
});

describe('forwardSignals', () => {
  it.each(FORWARDED_SIGNALS)('relays %s sent to the shim to the server', async (signal) => {
    const server = await startFixture('echo-server.mjs');
    started.push(server);
    await talkTo(server).request('ping');
    const dispose = forwardSignals(server);
    try {
      process.kill(process.pid, signal);
      expect(await server.exited).toEqual({ code: null, signal });
    } finally {
      dispose();
    }
  });

  it('stops relaying once disposed', async () => {
    const server = await startFixture('echo-server.mjs');
    started.push(server);
    const session = talkTo(server);
    const before = process.listenerCount('SIGHUP');
    forwardSignals(server)();
    expect(process.listenerCount('SIGHUP')).toBe(before);
    // Keep this test process alive on SIGHUP, then show the server did not receive it.
    const received = new Promise((resolve) => process.once('SIGHUP', resolve));
    process.kill(process.pid, 'SIGHUP');
    await received;
    expect(await session.request('ping')).toMatchObject({ result: {} });
    expect(server.exit).toBeUndefined();
  });
});
