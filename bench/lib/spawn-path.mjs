/** Starts one path as a child process with a JSON-RPC client on its stdio, and stops it cleanly. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { RpcClient } from './rpc-client.mjs';
import { ROOT } from './paths.mjs';
import process from 'node:process';

const STDERR_TAIL_BYTES = 4096;

export const CLIENT_INFO = { name: 'mcp-opa-shim-bench', version: '1.0.0' };
export const PROTOCOL_VERSION = '2025-06-18';

/** Spawns the path; with `initialize` (the default) also completes the MCP handshake. */
export async function startPath(path, { initialize = true } = {}) {
  const child = spawn(path.command, path.args, {
    cwd: path.cwd ?? ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(path.env === undefined ? {} : { env: { ...process.env, ...path.env } }),
  });
  let stderrTail = '';
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  });
  const exited = once(child, 'exit');
  await Promise.race([
    once(child, 'spawn'),
    once(child, 'error').then(([error]) => Promise.reject(error)),
  ]);
  const running = {
    path,
    child,
    pid: child.pid,
    client: new RpcClient(child.stdin, child.stdout),
    stderrTail: () => stderrTail,
    /** Wraps a failure with the path name and what the process said on stderr. */
    explain: (error) =>
      new Error(
        `${path.label}: ${error.message}${stderrTail ? `\nstderr: ${stderrTail.trim()}` : ''}`,
      ),
    async close() {
      child.stdin.end();
      const timeout = sleep(5000).then(() => 'timeout');
      if ((await Promise.race([exited, timeout])) === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  if (initialize) {
    try {
      await initializeSession(running.client);
    } catch (error) {
      await running.close();
      throw running.explain(error);
    }
  }
  return running;
}

export async function initializeSession(client) {
  const { message } = await client.request('initialize', {
    protocolVersion: PROTOCOL_VERSION,
    capabilities: {},
    clientInfo: CLIENT_INFO,
  });
  if (message.result === undefined)
    throw new Error(`initialize failed: ${JSON.stringify(message.error)}`);
  client.notify('notifications/initialized');
  return message.result;
}

/** Throws unless the response is the successful echo of `text` (a denial would make the timings lie). */
export function expectEcho(message, text) {
  const content = message.result?.content;
  if (message.result?.isError === true || content?.[0]?.text !== text) {
    throw new Error(
      `Expected the echo of \`${text}\`, got ${JSON.stringify(message).slice(0, 300)}`,
    );
  }
}

export function echoParams(text) {
  return { name: 'echo', arguments: { text } };
}
