#!/usr/bin/env node
/**
 * The plain-relay baseline: `node bench/plain-relay.mjs -- <command> [args...]`
 * spawns the child and pipes stdin and stdout straight through, no parsing.
 * Its cost is one extra process hop, the floor any stdio wrapper pays.
 */
import { spawn } from 'node:child_process';
import process from 'node:process';

const separator = process.argv.indexOf('--');
const [command, ...args] = process.argv.slice(separator === -1 ? 2 : separator + 1);
if (command === undefined) {
  process.stderr.write('Usage: node bench/plain-relay.mjs -- <command> [args...]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
process.stdin.pipe(child.stdin);
child.stdout.pipe(process.stdout);
child.stdin.on('error', () => {
  // The child went away first; its exit code is reported below.
});
child.on('error', (error) => {
  process.stderr.write(`plain-relay: cannot start \`${command}\`: ${error.message}\n`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  process.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
});
