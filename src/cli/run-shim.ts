import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { buildChildEnv } from '../child/build-child-env.js';
import { describeExit, describeSessionEnding } from '../child/session-ending.js';
import type { ShutdownResult } from '../child/shutdown.js';
import { forwardSignals } from '../child/forward-signals.js';
import { ServerSpawnError } from '../child/spawn-error.js';
import { startServer, type ServerProcess } from '../child/start-server.js';
import type { ShimConfig } from '../config/config.js';
import { createLogger, openLogDestination } from '../logging/create-logger.js';
import { startupMark } from '../logging/startup-trace.js';
import { collectSecrets, type SecretSet } from '../secrets/secret-set.js';
import { CONFIG_EXIT_CODE } from '../config/usage-error.js';
import { PinBook } from '../state/pins/pin-book.js';

export interface ShimIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** After the server exits, how long its stdout may stay open (a grandchild holding the pipe). */
const STDOUT_DRAIN_MS = 1000;

/** At exit, how long a last decision-log upload may take (docs/fleet-logs.md). */
const UPLOAD_GRACE_MS = 2000;

export const EXIT_SPAWN_FAILED = 127;

/** Runs one wrapped server until it exits; resolves with the shim's exit code. */
export async function runShim(
  config: ShimConfig,
  envFileValues: Readonly<Record<string, string>>,
  io: ShimIo,
): Promise<number> {
  const secrets = collectSecrets({
    env: io.env,
    envFileValues,
    secretEnv: config.secretEnv,
    namePatterns: config.secretNamePatterns,
  });
  // Opened now, so that a `--log-file` that cannot be opened still fails before anything runs.
  let logDestination;
  try {
    logDestination = openLogDestination(config.logFile, config.logFormat, secrets, io.env);
  } catch (error) {
    return failToStart(io, CONFIG_EXIT_CODE, error);
  }
  // Read before anything runs: a corrupt pin file must not silently re-pin every tool.
  let pins: PinBook | undefined;
  try {
    pins =
      config.pinsFile === undefined
        ? undefined
        : new PinBook(config.pinsFile, config.serverId, undefined, (text) =>
            secrets.scrubJson(text),
          );
  } catch (error) {
    return failToStart(io, CONFIG_EXIT_CODE, error);
  }
  let loggerReady: Promise<Logger> | undefined;
  const getLogger = () => (loggerReady ??= createLogger(config.logLevel, logDestination));

  // The server is spawned first and boots while the policy loads (issue 14): the relay, which
  // reads the client's frames, starts only when both are ready, so frames wait in the pipe.
  const childEnv = buildChildEnv({ received: io.env, envFileValues, allow: config.envAllow });
  startupMark('spawn called');
  const starting = startServer({
    command: config.command,
    args: config.args,
    env: childEnv,
    shutdownGraceMs: config.shutdownGraceMs,
    // With secrets to hide, the server's stderr is scrubbed line by line; otherwise inherited.
    stderr: secrets.size > 0 ? 'pipe' : 'inherit',
  });
  // What judges and relays is loaded only now, while the server boots (the audit log's hashing,
  // the policy loader, the relay): nothing in it decides whether the server may start, and the
  // client's first line waits on our stdin. In the bin these dynamic imports are the second
  // bundle, shim-later.cjs, so not even its code is read before the spawn (scripts/bundle.mjs).
  const judgingModule = import('./prepare-judging.js');
  const relayModules = loadRelayModules();
  const logging = getLogger();
  // Awaited below; this only keeps a failure from going unhandled when something fails first.
  Promise.all([starting, relayModules, logging]).catch(() => undefined);
  void starting.then(
    () => {
      startupMark('server spawned');
    },
    () => undefined,
  );
  const { prepareJudging } = await judgingModule;
  const prepared = await prepareJudging({ config, secrets, io, getLogger });
  if (!prepared.ok) {
    // Fail closed: no policy or no audit trail, no relaying. The server never saw a frame.
    const [exitCode] = await Promise.all([
      failToStart(io, CONFIG_EXIT_CODE, prepared.error),
      stopStartedServer(starting),
    ]);
    return exitCode;
  }
  const { policy, auditor, reporting } = prepared.judging;
  let server: ServerProcess;
  try {
    server = await starting;
  } catch (error) {
    const message =
      error instanceof ServerSpawnError
        ? error.message
        : `Could not start \`${config.command}\`: ${String(error)}`;
    auditor.fault({
      direction: 'to_server',
      fault: 'spawn_failed',
      detail: message,
      action: 'denied',
    });
    auditor.close();
    await reporting?.close(UPLOAD_GRACE_MS);
    policy.close();
    return failToStart(io, EXIT_SPAWN_FAILED, message);
  }
  const [{ startRelay, Session, createInputContext, relayStderr, CallCounters }, logger] =
    await Promise.all([relayModules, logging]);
  if (server.stderr !== undefined)
    relayStderr(server.stderr, io.stderr, (line) => scrubStderrLine(secrets, line));
  logger.info(
    { serverPid: server.pid, command: config.command, policy: policy.revision },
    'server started',
  );

  const inputContext = createInputContext(withoutSecrets(config, secrets), Object.keys(childEnv));
  if (inputContext.relativeBasesUnknown !== undefined && inputContext.roots.length > 0) {
    // Not an error (absolute paths still work), but a user whose relative paths are all refused
    // should learn why at start, not from the first denial.
    const warning = relativeBasesWarning(inputContext.relativeBasesUnknown);
    io.stderr.write(`mcp-opa-shim: warning: ${warning}\n`);
    logger.warn({ reason: inputContext.relativeBasesUnknown }, warning);
  }
  const relay = startRelay(
    {
      session: new Session(),
      policy,
      auditor,
      secrets,
      inputContext,
      logger,
      monitor: config.mode === 'monitor',
      maxFrameBytesToServer: config.maxFrameBytesToServer,
      maxFrameBytesToClient: config.maxFrameBytesToClient,
      approvalTimeoutMs: config.approvalTimeoutMs,
      pins,
      counters: new CallCounters(config.stateDir, config.principal.id),
    },
    { clientIn: io.stdin, clientOut: io.stdout, serverIn: server.stdin, serverOut: server.stdout },
  );
  startupMark('relay started');
  // Set from callbacks; read once the server is gone.
  const seen: {
    forwardedSignal?: NodeJS.Signals;
    clientClosed?: true;
    stdoutClosedEarly?: true;
  } = {};
  let shuttingDown: Promise<ShutdownResult> | undefined;
  const shutdown = () => (shuttingDown ??= server.shutdown());
  const stopForwarding = forwardSignals({
    kill(signal) {
      seen.forwardedSignal ??= signal;
      const sent = server.kill(signal);
      // Make sure a server that ignores the signal still ends.
      void shutdown();
      return sent;
    },
  });
  // The client closed our stdin: it is done with the server.
  void relay.clientClosed.then(() => {
    seen.clientClosed = true;
    void shutdown();
  });
  // A server that closes its stdout but keeps running can never answer again: stop it rather than
  // leave the client waiting. Stdout usually closes just before the exit is reported; wait for it.
  void relay.serverClosed.then(async () => {
    await Promise.race([server.exited, delay(STDOUT_DRAIN_MS)]);
    if (server.exit !== undefined || seen.clientClosed) return;
    seen.stdoutClosedEarly = true;
    logger.warn({ serverPid: server.pid }, 'the server closed its stdout but is still running');
    void shutdown();
  });

  const exit = await server.exited;
  const clientClosedFirst = seen.clientClosed === true;
  await Promise.race([relay.serverClosed, delay(STDOUT_DRAIN_MS)]);
  const stage = shuttingDown === undefined ? undefined : (await shuttingDown).stage;
  const status = describeExit(exit);
  const stdoutClosedEarly = seen.stdoutClosedEarly === true;
  const unanswered = await relay.failPending(
    stdoutClosedEarly
      ? `The server closed its output and then ${status} before answering this request.`
      : `The server ${status} before answering this request.`,
  );
  const ending = describeSessionEnding({
    exit,
    stage,
    clientClosedFirst,
    forwardedSignal: seen.forwardedSignal,
    stdoutClosedEarly,
    unanswered,
  });
  if (ending.kind === 'fault') {
    auditor.fault({
      direction: 'to_client',
      fault: 'child_exit',
      detail: ending.detail,
      action: 'dropped',
    });
  }
  if (ending.kind !== 'clean') {
    io.stderr.write(`mcp-opa-shim: ${ending.detail}; exiting with ${ending.exitCode}.\n`);
  }
  stopForwarding();
  auditor.close({ kind: ending.kind, detail: ending.detail, exit_code: ending.exitCode });
  await reporting?.close(UPLOAD_GRACE_MS);
  policy.close();
  await relay.finish();
  logger.info({ exit, ending: ending.kind }, 'server exited');
  return ending.exitCode;
}

/**
 * Nothing runs: the cause goes to stderr, and to the client as the answer to its requests (see
 * answer-startup-failure.ts), so that its UI shows more than "Connection closed".
 */
async function failToStart(io: ShimIo, exitCode: number, error: unknown): Promise<number> {
  const { reportStartupFailure } = await import('./answer-startup-failure.js');
  const cause = error instanceof Error ? error.message : String(error);
  return reportStartupFailure(cause, exitCode, io);
}

/** A server spawned before the policy failed to load is stopped (staged) before the shim exits. */
async function stopStartedServer(starting: Promise<ServerProcess>): Promise<void> {
  let server;
  try {
    server = await starting;
  } catch {
    return; // it never started
  }
  await server.shutdown();
}

async function loadRelayModules() {
  const [relay, session, input, stderr, counters] = await Promise.all([
    import('../relay/start-relay.js'),
    import('../session/session.js'),
    import('../input/input-context.js'),
    import('../child/relay-stderr.js'),
    import('../state/counters/call-counters.js'),
  ]);
  return {
    startRelay: relay.startRelay,
    Session: session.Session,
    createInputContext: input.createInputContext,
    relayStderr: stderr.relayStderr,
    CallCounters: counters.CallCounters,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Server stderr is free text, but servers often log JSON, so it is read as JSON escapes would be
 * read (`\u0067hp_…` counts as the secret). A line escaped too deeply to clear is withheld, said so.
 */
function scrubStderrLine(secrets: SecretSet, line: string): string {
  try {
    return secrets.scrub(line);
  } catch (error) {
    return `mcp-opa-shim: withheld a server stderr line: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The server command line enters the policy input: a credential passed as an argument must not. */
function withoutSecrets(config: ShimConfig, secrets: SecretSet): ShimConfig {
  if (secrets.size === 0) return config;
  return {
    ...config,
    command: secrets.scrub(config.command),
    args: config.args.map((arg) => secrets.scrub(arg)),
  };
}

/** The start-up warning when relative path arguments will be refused. */
export function relativeBasesWarning(reason: string): string {
  return (
    `relative path arguments cannot be checked against \`--root\` and will be denied: the shim cannot see which directories the server resolves them against (${reason}). ` +
    "Use absolute paths, or name the server's base directories with `--path-base <dir>`."
  );
}
