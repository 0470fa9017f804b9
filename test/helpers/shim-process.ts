import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SHIM = `${REPO}dist/bin/mcp-opa-shim.mjs`;
/** The package's bin: the same CLI bundled into dist/bin/ (see scripts/bundle.mjs). */
export const BIN = `${REPO}dist/bin/mcp-opa-shim.mjs`;
export const FIXTURES = `${REPO}test/fixtures`;
export const OPA_DIR = `${process.env.XDG_CACHE_HOME ?? `${process.env.HOME ?? ''}/.cache`}/mcp-opa-shim/opa-v1.22.2`;

type Message = Record<string, unknown>;

/**
 * A raw line-level client for the built shim: writes frames to its stdin and collects every
 * stdout line, so tests can assert on exact bytes (nothing but protocol on stdout).
 */
export class ShimProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly stdoutLines: string[] = [];
  stderr = '';
  private buffered = '';
  private nextId = 1;
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    args: readonly string[],
    options: { env?: Record<string, string | undefined>; cwd?: string; main?: string } = {},
  ) {
    this.child = spawn(process.execPath, [options.main ?? SHIM, ...args], {
      cwd: options.cwd ?? REPO,
      env: {
        ...process.env,
        PATH: `${OPA_DIR}:${process.env.PATH ?? ''}`,
        // The fixture servers answer only the methods under test, not tools/list, which pins need
        // before a first call (docs/pinning.md): pins are tested where a test turns them on.
        MCP_OPA_SHIM_PINS: 'off',
        ...options.env,
      },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      let newline;
      while ((newline = this.buffered.indexOf('\n')) >= 0) {
        const line = this.buffered.slice(0, newline);
        this.buffered = this.buffered.slice(newline + 1);
        this.stdoutLines.push(line);
        this.dispatch(line);
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.child.stdin.on('error', () => undefined);
    this.exited = once(this.child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
  }

  /** Bytes on stdout after the last newline: must stay empty, stdout carries whole lines only. */
  get partialLine(): string {
    return this.buffered;
  }

  sendRaw(text: string): void {
    this.child.stdin.write(text);
  }

  send(message: Message | Message[]): void {
    this.sendRaw(`${JSON.stringify(message)}\n`);
  }

  request(method: string, params?: Message): Promise<Message> {
    const id = this.nextId++;
    const message: Message =
      params === undefined
        ? { jsonrpc: '2.0', id, method }
        : { jsonrpc: '2.0', id, method, params };
    const reply = this.waitFor((m) => m.id === id && !('method' in m));
    this.send(message);
    return reply;
  }

  async initialize(protocolVersion = '2025-06-18', capabilities: Message = {}): Promise<Message> {
    const reply = await this.request('initialize', {
      protocolVersion,
      capabilities,
      clientInfo: { name: 'shim-test', version: '1.0.0' },
    });
    this.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return reply;
  }

  waitFor(match: (m: Message) => boolean, timeoutMs = 15_000): Promise<Message> {
    for (const line of this.stdoutLines) {
      const found = messagesOf(line).find(match);
      if (found) return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const fail = (why: string) => () => {
        reject(
          new Error(
            `${why} waiting for a message; stdout so far:\n${this.stdoutLines.join('\n')}\nstderr:\n${this.stderr}`,
          ),
        );
      };
      const timer = setTimeout(fail('timed out'), timeoutMs);
      // A shim that exited will never answer: fail now with what it said.
      void this.exited.then(() => setTimeout(fail('the shim exited'), 200));
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  /** Closes stdin (the client is done) and waits for the shim to exit. */
  async close(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.stdin.end();
    return this.exited;
  }

  /** Batch replies are matched element by element. */
  private dispatch(line: string): void {
    for (const message of messagesOf(line)) {
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(message)) return true;
        waiter.resolve(message);
        return false;
      });
    }
  }
}

function messagesOf(line: string): Message[] {
  const parsed = tryParse(line);
  if (parsed === undefined) return [];
  return Array.isArray(parsed) ? parsed : [parsed];
}

function tryParse(line: string): Message | Message[] | undefined {
  try {
    return JSON.parse(line) as Message | Message[];
  } catch {
    return undefined;
  }
}

/** Asserts-friendly check: every stdout line is one JSON-RPC message (or batch of them). */
export function nonProtocolLines(lines: readonly string[]): string[] {
  return lines.filter((line) => {
    const parsed = tryParse(line);
    const items = Array.isArray(parsed) ? parsed : parsed ? [parsed] : [];
    return items.length === 0 || items.some((item) => item.jsonrpc !== '2.0');
  });
}

/** The shim around `recording-server.mjs`, which appends every line it reads to `record`. */
export function recordingShim(
  shimArgs: readonly string[],
  env: Record<string, string> = {},
): { shim: ShimProcess; record: string; recorded: () => string } {
  const record = join(mkdtempSync(join(tmpdir(), 'shim-record-')), 'record.jsonl');
  writeFileSync(record, '');
  const shim = new ShimProcess(
    [...shimArgs, '--', process.execPath, `${FIXTURES}/recording-server.mjs`],
    { env: { ...env, RECORD_FILE: record } },
  );
  return { shim, record, recorded: () => readFileSync(record, 'utf8') };
}
