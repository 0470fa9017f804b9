#!/usr/bin/env node
import { format } from 'node:util';
import { parseCommandLine, SUBCOMMANDS } from './parse-command-line.js';
import { USAGE_EXIT_CODE, UsageError } from '../config/usage-error.js';
import { startupMark } from '../logging/startup-trace.js';

/**
 * Stdout carries the protocol. Libraries that log with console (the OPA Wasm SDK's
 * `opa_println`) are sent to stderr instead. Rego `print()` does not come this way: it goes to
 * the debug log with its location (src/policy/policy-print.ts).
 */
function keepConsoleOffStdout(): void {
  const toStderr = (...args: unknown[]): void => {
    process.stderr.write(`${format(...args)}\n`);
  };
  // eslint-disable-next-line no-console -- replacing console, not writing with it
  console.log = toStderr;
  // eslint-disable-next-line no-console -- as above
  console.info = toStderr;
  // eslint-disable-next-line no-console -- as above
  console.debug = toStderr;
}

/**
 * Dispatches a command line; resolves with the exit code. Never writes logs to stdout.
 * Each command loads only its own modules: a wrapped server starts sooner when the audit and
 * eval code is never loaded.
 */
async function main(argv: readonly string[]): Promise<number> {
  startupMark('main');
  let command;
  try {
    command = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    if (!SUBCOMMANDS.includes(argv[0] ?? '')) {
      // A client launched the shim with a bad option: it shows the answer to its `initialize`.
      const { reportStartupFailure } = await import('./answer-startup-failure.js');
      return reportStartupFailure(error.message, USAGE_EXIT_CODE, process);
    }
    process.stderr.write(`mcp-opa-shim: ${error.message}\n`);
    return USAGE_EXIT_CODE;
  }
  switch (command.kind) {
    case 'help':
    case 'version':
      process.stdout.write(command.text);
      return 0;
    case 'audit': {
      const { runAudit } = await import('./audit-command.js');
      return runAudit([...command.argv], { stdout: process.stdout, stderr: process.stderr });
    }
    case 'doctor': {
      const { runDoctor } = await import('./doctor/doctor-command.js');
      return runDoctor(command.argv, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        cwd: process.cwd(),
        shimEntry: process.argv[1] ?? '',
      });
    }
    case 'wrap':
    case 'unwrap': {
      const { stdout, stderr, env } = process;
      const io = { stdout, stderr, env, cwd: process.cwd() };
      if (command.kind === 'unwrap')
        return (await import('./unwrap-command.js')).runUnwrap(command.argv, io);
      return (await import('./wrap-command.js')).runWrap(command.argv, io);
    }
    case 'status': {
      const { runStatus } = await import('./status-command.js');
      return runStatus(command.argv, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
      });
    }
    case 'pins': {
      const { runPins } = await import('./pins-command.js');
      return runPins(command.argv, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
      });
    }
    case 'eval': {
      const { runEval } = await import('./eval-command.js');
      return runEval({
        policyConfig: command.policy,
        inputPath: command.inputPath,
        fromAudit: command.fromAudit,
        exitZero: command.exitZero,
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    case 'init':
    case 'build':
    case 'test': {
      const { runPolicyDevCommand } = await import('./policy-dev-commands.js');
      return runPolicyDevCommand(command.kind, command.argv, process);
    }
    case 'run': {
      keepConsoleOffStdout();
      for (const warning of command.warnings)
        process.stderr.write(`mcp-opa-shim: warning: ${warning}\n`);
      try {
        startupMark('options parsed');
        const { runShim } = await import('./run-shim.js');
        return await runShim(command.config, command.envFileValues, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
          env: process.env,
        });
      } catch (error) {
        return internalFailure(error);
      }
    }
  }
}

/** Exit code for a bug in the shim itself (sysexits' EX_SOFTWARE). */
const INTERNAL_ERROR_EXIT_CODE = 70;

/**
 * A bug in the shim, not a bad setting: the stack goes to stderr for the report. When the relay
 * had not started reading the client's stdin, the client is also answered (as for any start-up
 * failure), so its UI names the problem instead of "Connection closed"; nothing was forwarded.
 */
async function internalFailure(error: unknown): Promise<number> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.stack !== undefined)
    process.stderr.write(`mcp-opa-shim: internal error, stack: ${error.stack}\n`);
  const cause = `internal error: ${message}. This is a bug in mcp-opa-shim: please report it with the stack printed on stderr.`;
  if (process.stdin.readableFlowing !== null) {
    process.stderr.write(`mcp-opa-shim: ${cause}\n`);
    return INTERNAL_ERROR_EXIT_CODE;
  }
  const { reportStartupFailure } = await import('./answer-startup-failure.js');
  return reportStartupFailure(cause, INTERNAL_ERROR_EXIT_CODE, process);
}

main(process.argv.slice(2)).then(
  (code) => {
    // The only place that exits: watchers and stdin would otherwise keep the process alive.
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(
      `mcp-opa-shim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
