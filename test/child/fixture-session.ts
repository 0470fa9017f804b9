import { fileURLToPath } from 'node:url';
import { FrameWriter } from '../../src/framing/frame-writer.js';
import { readFrames } from '../helpers/read-frames.js';
import {
  startServer,
  type ServerProcess,
  type StartServerOptions,
} from '../../src/child/start-server.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** Starts a fixture server with `node` and a minimal explicit environment. */
export function startFixture(
  name: string,
  options: Partial<StartServerOptions> = {},
): Promise<ServerProcess> {
  return startServer({
    command: process.execPath,
    args: [fixture(name), ...(options.args ?? [])],
    env: { PATH: process.env.PATH ?? '', ...options.env },
    shutdownGraceMs: options.shutdownGraceMs ?? 300,
    ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
  });
}

/** Sends JSON-RPC requests to a server and reads its replies, skipping lines that are not replies. */
export function talkTo(server: ServerProcess): {
  request: (method: string, params?: unknown) => Promise<unknown>;
} {
  const writer = new FrameWriter(server.stdin);
  const replies = readFrames(server.stdout, { maxFrameBytes: 1024 * 1024 });
  let id = 0;
  return {
    async request(method, params) {
      id += 1;
      if (!writer.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }))) {
        await writer.drain();
      }
      for (;;) {
        const next = await replies.next();
        if (next.done === true) throw new Error(`no reply to ${method}`);
        const reply = parseOrUndefined(next.value.kind === 'line' ? next.value.text : '');
        if (reply !== undefined && reply.id === id) return reply;
      }
    },
  };
}

function parseOrUndefined(text: string): { id?: unknown } | undefined {
  try {
    return JSON.parse(text) as { id?: unknown };
  } catch {
    return undefined;
  }
}
