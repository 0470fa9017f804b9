#!/usr/bin/env node
import { format } from 'node:util';
import { parseCommandLine } from './parse-command-line.js';
import { UsageError } from './usage-error.js';

const EXIT_USAGE = 2;

/**
 * Stdout carries the protocol. Libraries that log with console (the OPA Wasm SDK prints Rego
 * `print()` output with console.log) are sent to stderr instead.
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
  let command;
  try {
    command = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`mcp-opa-shim: ${error.message}\n`);
    return EXIT_USAGE;
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
    case 'status': {
      const { runStatus } = await import('./status-command.js');
      return runStatus(command.argv, {
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
        exitZero: command.exitZero,
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    }
    case 'run': {
      keepConsoleOffStdout();
      for (const warning of command.warnings)
        process.stderr.write(`mcp-opa-shim: warning: ${warning}\n`);
      const { runShim } = await import('./run-shim.js');
      return runShim(command.config, command.envFileValues, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
      });
    }
  }
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
