import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { launchSpec, type Route, type ServerCommand, type ShimOptions } from './launch.js';

/**
 * A server (direct) or the shim in front of it, driven by a raw client: we
 * write lines ourselves and keep every byte it writes to stdout, untouched.
 */
export class RawPeer {
  readonly stdoutChunks: Buffer[] = [];
  stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly exited: Promise<number | null>;
  private pending = '';
  private readonly waiters: {
    test: (message: unknown) => boolean;
    resolve: (message: unknown) => void;
  }[] = [];
  readonly messages: unknown[] = [];

  constructor(
    route: Route,
    server: ServerCommand,
    options: ShimOptions & { env?: Record<string, string> } = {},
  ) {
    const spec = launchSpec(route, server, options);
    this.child = spawn(spec.command, spec.args, {
      env: { ...spec.env, ...options.env },
      stdio: 'pipe',
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdoutChunks.push(chunk);
      this.parse(chunk.toString('utf8'));
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString('utf8');
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        resolve(code);
      });
    });
  }

  send(message: unknown): void {
    this.sendLine(JSON.stringify(message));
  }

  sendLine(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  /** Resolves with the first message (seen or still to come) that passes `test`. */
  waitFor(
    description: string,
    test: (message: unknown) => boolean,
    timeoutMs = 10_000,
  ): Promise<unknown> {
    const seen = this.messages.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`Timed out waiting for ${description}. stderr:\n${this.stderr.slice(-3000)}`),
        );
      }, timeoutMs);
      this.waiters.push({
        test,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  response(id: number | string): Promise<unknown> {
    return this.waitFor(
      `the response to id ${JSON.stringify(id)}`,
      (m) => (m as { id?: unknown }).id === id && !('method' in (m as object)),
    );
  }

  /** Closes stdin (the client went away) and waits for the shim to exit. */
  async end(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }

  /** The complete lines written to stdout, exactly as written. */
  stdoutLines(): string[] {
    const text = this.stdoutText();
    return text.split('\n').slice(0, text.endsWith('\n') ? -1 : undefined);
  }

  /** Waits for the process to exit on its own (stdin left open). */
  async exit(): Promise<number | null> {
    return this.exited;
  }

  stdoutText(): string {
    return Buffer.concat(this.stdoutChunks).toString('utf8');
  }

  private parse(text: string): void {
    this.pending += text;
    let newline = this.pending.indexOf('\n');
    while (newline !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
      let message: unknown;
      try {
        message = JSON.parse(line);
      } catch {
        continue; // judged later by the purity check, which sees the raw bytes
      }
      this.messages.push(message);
      for (const waiter of this.waiters.filter((w) => w.test(message))) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    }
  }
}

export const initializeRequest = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'e2e-raw-client', version: '1.0.0' },
  },
});

/** The shim in front of `server`, driven by a raw client. */
export class RawShim extends RawPeer {
  constructor(server: ServerCommand, options: ShimOptions = {}) {
    super('shim', server, options);
  }
}
