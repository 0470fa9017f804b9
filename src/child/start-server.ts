import type { Readable, Writable } from 'node:stream';
import type { ServerExit } from './exit-code.js';
import { shutdownServer, type ShutdownResult } from './shutdown.js';
import { ServerSpawnError } from './spawn-error.js';
import { spawnServer, type ServerSubprocess, type SpawnServerOptions } from './spawn-server.js';

export const DEFAULT_SHUTDOWN_GRACE_MS = 2000;

export interface StartServerOptions extends SpawnServerOptions {
  /** Milliseconds between shutdown stages (close stdin → SIGTERM → SIGKILL). */
  readonly shutdownGraceMs?: number;
}

/** A running server: its protocol pipes, how it ended, and how to end it. */
export interface ServerProcess {
  readonly pid: number;
  /** Write frames here (wrap it in a FrameWriter); EPIPE surfaces there, never uncaught. */
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Only when started with `stderr: 'pipe'`. */
  readonly stderr: Readable | undefined;
  /** Resolves when the process has exited (its stdout may still hold unread frames). */
  readonly exited: Promise<ServerExit>;
  /** Set once the process has exited. */
  readonly exit: ServerExit | undefined;
  kill(signal?: NodeJS.Signals): boolean;
  /** Staged shutdown; calling it again returns the same promise. */
  shutdown(): Promise<ShutdownResult>;
}

/** Starts the server. Rejects with ServerSpawnError when the command cannot be started; never exits. */
export async function startServer(options: StartServerOptions): Promise<ServerProcess> {
  const subprocess = spawnServer(options);
  let exit: ServerExit | undefined;
  const exited = new Promise<ServerExit>((resolve) => {
    subprocess.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  // A dead child makes writes fail with EPIPE; FrameWriter reports it, this keeps it from throwing.
  subprocess.stdin.on('error', () => undefined);
  await spawned(subprocess, options.command);
  const { pid } = subprocess;
  if (pid === undefined) throw new ServerSpawnError(options.command, new Error('no process id'));

  let shutdown: Promise<ShutdownResult> | undefined;
  const server: ServerProcess = {
    pid,
    stdin: subprocess.stdin,
    stdout: subprocess.stdout,
    stderr: subprocess.stderr ?? undefined,
    exited,
    get exit() {
      return exit;
    },
    kill: (signal = 'SIGTERM') => subprocess.kill(signal),
    shutdown: () =>
      (shutdown ??= shutdownServer(server, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS)),
  };
  return server;
}

/** Waits for Node's `spawn` or `error` event, or for execa's result when it failed before spawning. */
function spawned(subprocess: ServerSubprocess, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    subprocess.once('spawn', () => {
      resolve();
    });
    subprocess.once('error', (error) => {
      reject(new ServerSpawnError(command, error));
    });
    // After a successful spawn these settle nothing: the promise above is already resolved.
    subprocess.then(
      (result) => {
        if (result.failed) reject(new ServerSpawnError(command, result.cause ?? result));
      },
      (error: unknown) => {
        reject(new ServerSpawnError(command, error));
      },
    );
  });
}
