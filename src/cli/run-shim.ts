import type { Readable, Writable } from 'node:stream';
import type { Logger } from 'pino';
import { createAuditor } from '../audit/auditor.js';
import { buildChildEnv } from '../child/build-child-env.js';
import { exitCodeOf, type ServerExit } from '../child/exit-code.js';
import { forwardSignals } from '../child/forward-signals.js';
import { ServerSpawnError } from '../child/spawn-error.js';
import { relayStderr } from '../child/relay-stderr.js';
import { startServer, type ServerProcess } from '../child/start-server.js';
import type { ShimConfig } from '../config/config.js';
import { shimVersion } from '../config/shim-version.js';
import { createLogger, openLogDestination } from '../logging/create-logger.js';
import { createPolicyEngine, type PolicyLogger } from '../policy/create-policy-engine.js';
import { replacementWarnings } from '../policy/replacement-warnings.js';
import { collectSecrets, type SecretSet } from '../secrets/secret-set.js';

export interface ShimIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** After the server exits, how long its stdout may stay open (a grandchild holding the pipe). */
const STDOUT_DRAIN_MS = 1000;

export const EXIT_POLICY_FAILED = 78;
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
  const logDestination = openLogDestination(config.logFile, secrets);
  let loggerReady: Promise<Logger> | undefined;
  const getLogger = () => (loggerReady ??= createLogger(config.logLevel, logDestination));

  let policy;
  try {
    policy = await createPolicyEngine(config, laterLogger(getLogger));
  } catch (error) {
    // Fail closed before anything runs: no policy, no server.
    io.stderr.write(`mcp-opa-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_POLICY_FAILED;
  }
  // A replacement --policy drops the built-in protections: say so, on stderr and in the log.
  for (const warning of await replacementWarnings(config.policy, config.roots)) {
    io.stderr.write(`mcp-opa-shim: warning: ${warning}\n`);
    void getLogger().then((logger) => {
      logger.warn({ policy: policy.revision }, warning);
    });
  }
  let auditor;
  try {
    auditor = createAuditor({
      file: config.auditLog,
      stderr: config.auditStderr,
      policy,
      secrets,
      entrypoint: config.entrypoint,
      labels: {
        server_id: config.serverId,
        principal: config.principal.id,
        version: shimVersion(),
      },
    });
  } catch (error) {
    // No audit trail, no relaying: fail closed before the server starts.
    io.stderr.write(`mcp-opa-shim: ${error instanceof Error ? error.message : String(error)}\n`);
    policy.close();
    return EXIT_POLICY_FAILED;
  }

  const childEnv = buildChildEnv({ received: io.env, envFileValues, allow: config.envAllow });
  let server: ServerProcess;
  const starting = startServer({
    command: config.command,
    args: config.args,
    env: childEnv,
    shutdownGraceMs: config.shutdownGraceMs,
    // With secrets to hide, the server's stderr is scrubbed line by line; otherwise inherited.
    stderr: secrets.size > 0 ? 'pipe' : 'inherit',
  });
  // The relay is loaded while the server boots (the spawn call above has been made): nothing in
  // it decides whether the server may start, and the client's first line waits on our stdin.
  const relayModules = loadRelayModules();
  const logging = getLogger();
  // Awaited below; this only keeps a failure from going unhandled when the spawn fails first.
  Promise.all([relayModules, logging]).catch(() => undefined);
  try {
    server = await starting;
  } catch (error) {
    const message =
      error instanceof ServerSpawnError
        ? error.message
        : `Could not start \`${config.command}\`: ${String(error)}`;
    io.stderr.write(`mcp-opa-shim: ${message}\n`);
    auditor.fault({
      direction: 'to_server',
      fault: 'spawn_failed',
      detail: message,
      action: 'denied',
    });
    auditor.close();
    policy.close();
    return EXIT_SPAWN_FAILED;
  }
  const [{ startRelay, Session, createInputContext }, logger] = await Promise.all([
    relayModules,
    logging,
  ]);
  if (server.stderr !== undefined)
    relayStderr(server.stderr, io.stderr, (line) => secrets.scrub(line));
  logger.info(
    { serverPid: server.pid, command: config.command, policy: policy.revision },
    'server started',
  );

  const relay = startRelay(
    {
      session: new Session(),
      policy,
      auditor,
      secrets,
      inputContext: createInputContext(withoutSecrets(config, secrets), Object.keys(childEnv)),
      logger,
      monitor: config.mode === 'monitor',
      maxFrameBytes: config.maxFrameBytes,
    },
    { clientIn: io.stdin, clientOut: io.stdout, serverIn: server.stdin, serverOut: server.stdout },
  );
  const stopForwarding = forwardSignals({
    kill(signal) {
      const sent = server.kill(signal);
      // Make sure a server that ignores the signal still ends.
      void server.shutdown();
      return sent;
    },
  });
  // The client closed our stdin: it is done with the server.
  void relay.clientClosed.then(() => server.shutdown());

  const exit = await server.exited;
  await Promise.race([relay.serverClosed, delay(STDOUT_DRAIN_MS)]);
  const pending = describeExit(exit);
  auditor.fault({
    direction: 'to_client',
    fault: 'child_exit',
    detail: pending,
    action: 'forwarded',
  });
  await relay.failPending(`The server exited (${pending}) before answering this request.`);
  stopForwarding();
  auditor.close();
  policy.close();
  await relay.finish();
  logger.info({ exit }, 'server exited');
  return exitCodeOf(exit);
}

async function loadRelayModules() {
  const [relay, session, input] = await Promise.all([
    import('../relay/start-relay.js'),
    import('../session/session.js'),
    import('../input/input-context.js'),
  ]);
  return {
    startRelay: relay.startRelay,
    Session: session.Session,
    createInputContext: input.createInputContext,
  };
}

/**
 * Policy reloads are logged through the shim's logger, which loads after the spawn; a reload
 * reported before then (rare) loads it early. No line is lost.
 */
function laterLogger(getLogger: () => Promise<Logger>): PolicyLogger {
  return {
    info(details, message) {
      void getLogger().then((logger) => {
        logger.info(details, message);
      });
    },
    warn(details, message) {
      void getLogger().then((logger) => {
        logger.warn(details, message);
      });
    },
    error(details, message) {
      void getLogger().then((logger) => {
        logger.error(details, message);
      });
    },
  };
}

function describeExit(exit: ServerExit): string {
  return exit.signal === null ? `exit code ${String(exit.code)}` : `killed by ${exit.signal}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
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
