import { describe, expect, it } from 'vitest';
import {
  EXIT_SERVER_LOST,
  describeSessionEnding,
  type EndingFacts,
} from '../../src/child/session-ending.js';

const base: EndingFacts = {
  exit: { code: 0, signal: null },
  stage: 'stdin-closed',
  clientClosedFirst: true,
  forwardedSignal: undefined,
  stdoutClosedEarly: false,
  unanswered: 0,
};

function ending(facts: Partial<EndingFacts>) {
  return describeSessionEnding({ ...base, ...facts });
}

describe('describeSessionEnding', () => {
  it('is clean when the client left and the server exited 0 or on the shim’s SIGTERM', () => {
    expect(ending({})).toEqual({
      kind: 'clean',
      exitCode: 0,
      detail: 'the client closed the session; the server exited (exit code 0)',
    });
    expect(ending({ exit: { code: null, signal: 'SIGTERM' }, stage: 'sigterm' })).toMatchObject({
      kind: 'clean',
      exitCode: 0,
    });
  });

  it('is a fault, exit 69, when the server exits 0 while the client is still connected', () => {
    expect(ending({ clientClosedFirst: false, stage: undefined })).toEqual({
      kind: 'fault',
      exitCode: EXIT_SERVER_LOST,
      detail:
        'the server exited (exit code 0) while the client was still connected; no request was pending',
    });
  });

  it('is a fault when requests were left unanswered, even after the client left', () => {
    expect(ending({ unanswered: 2 })).toEqual({
      kind: 'fault',
      exitCode: EXIT_SERVER_LOST,
      detail:
        'the server exited (exit code 0) after the client closed the session; 2 pending requests were answered with an error',
    });
  });

  it('passes on a failing status: the server’s code, or 128 + signal', () => {
    expect(ending({ clientClosedFirst: false, exit: { code: 3, signal: null } })).toMatchObject({
      kind: 'fault',
      exitCode: 3,
    });
    expect(ending({ exit: { code: 4, signal: null } })).toMatchObject({
      kind: 'fault',
      exitCode: 4,
    });
    expect(
      ending({
        clientClosedFirst: false,
        stage: undefined,
        exit: { code: null, signal: 'SIGSEGV' },
      }),
    ).toMatchObject({ kind: 'fault', exitCode: 128 + 11 });
  });

  it('is not clean when a SIGTERM the shim did not send ended the server', () => {
    expect(
      ending({ exit: { code: null, signal: 'SIGTERM' }, stage: 'stdin-closed' }),
    ).toMatchObject({ kind: 'fault', exitCode: 143 });
  });

  it('is a fault when the server had to be killed with SIGKILL', () => {
    expect(ending({ exit: { code: null, signal: 'SIGKILL' }, stage: 'sigkill' })).toMatchObject({
      kind: 'fault',
      exitCode: 137,
      detail: expect.stringContaining('did not stop after stdin closed and SIGTERM') as string,
    });
    expect(
      ending({
        clientClosedFirst: false,
        forwardedSignal: 'SIGTERM',
        exit: { code: null, signal: 'SIGKILL' },
        stage: 'sigkill',
      }),
    ).toMatchObject({ kind: 'fault', exitCode: 137 });
  });

  it('is signalled, with the server’s status, when the shim passed on a signal', () => {
    expect(
      ending({
        clientClosedFirst: false,
        forwardedSignal: 'SIGINT',
        exit: { code: null, signal: 'SIGINT' },
      }),
    ).toEqual({
      kind: 'signalled',
      exitCode: 130,
      detail:
        'the shim received SIGINT and passed it on; the server exited (killed by SIGINT); no request was pending',
    });
  });

  it('is a fault when the server closed its stdout while running', () => {
    expect(
      ending({
        clientClosedFirst: false,
        stdoutClosedEarly: true,
        exit: { code: null, signal: 'SIGTERM' },
        stage: 'sigterm',
        unanswered: 1,
      }),
    ).toMatchObject({
      kind: 'fault',
      exitCode: 143,
      detail: expect.stringMatching(/^the server closed its stdout while still running/) as string,
    });
    expect(ending({ clientClosedFirst: false, stdoutClosedEarly: true })).toMatchObject({
      exitCode: EXIT_SERVER_LOST,
    });
  });
});
