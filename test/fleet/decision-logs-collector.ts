import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { opaPath } from '../policy/opa-cli.js';

/**
 * Real servers for the decision-log and status tests: nginx as the collector (every request
 * body kept in a file, `client_body_in_file_only`, proxied to a second server block that
 * answers 204; the access log names each body file) and `opa run --server` as the reference
 * agent. Nothing here answers HTTP itself.
 */
export const NGINX = '/usr/sbin/nginx';

export interface CollectedRequest {
  readonly uri: string;
  readonly method: string;
  readonly encoding: string;
  readonly contentType: string;
  readonly status: string;
  /** The bytes as sent (gzipped when `encoding` is gzip). */
  readonly raw: Buffer;
  /** The body decoded (gunzipped when sent gzipped) and parsed. */
  readonly json: unknown;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Nothing listens on 127.0.0.1:${String(port)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class Collector {
  readonly dir = mkdtempSync(join(tmpdir(), 'collector-'));
  private process: ChildProcess | undefined;
  private exited: Promise<void> | undefined;

  private constructor(
    readonly port: number,
    private readonly backendPort: number,
  ) {}

  static async start(): Promise<Collector> {
    const collector = new Collector(await freePort(), await freePort());
    collector.writeConfig();
    await collector.resume();
    return collector;
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  private writeConfig(): void {
    const d = this.dir;
    for (const sub of ['bodies', 'logs', 'tmp', 'www/bundles'])
      mkdirSync(join(d, sub), { recursive: true });
    const temp = ['proxy', 'fastcgi', 'uwsgi', 'scgi']
      .map((kind) => `  ${kind}_temp_path ${d}/tmp/${kind};`)
      .join('\n');
    writeFileSync(
      join(d, 'nginx.conf'),
      `daemon off;
master_process on;
worker_processes 1;
${process.getuid?.() === 0 ? 'user root root;' : ''}
pid ${d}/nginx.pid;
error_log ${d}/logs/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${d}/bodies;
${temp}
  log_format collector escape=json '{"uri":"$request_uri","method":"$request_method","encoding":"$http_content_encoding","type":"$content_type","body":"$request_body_file","status":"$status"}';
  server {
    listen 127.0.0.1:${String(this.port)};
    client_max_body_size 64m;
    client_body_in_file_only on;
    access_log ${d}/logs/requests.jsonl collector;
    location / { proxy_pass http://127.0.0.1:${String(this.backendPort)}; }
    # Bundles for the agents, as static files (nginx sends ETag and answers If-None-Match).
    location /bundles/ { root ${d}/www; }
  }
  server {
    listen 127.0.0.1:${String(this.backendPort)};
    location / { return 204; }
  }
}
`,
    );
  }

  /** Starts (or restarts) nginx on the same port. */
  async resume(): Promise<void> {
    const child = spawn(
      NGINX,
      ['-p', this.dir, '-c', join(this.dir, 'nginx.conf'), '-e', join(this.dir, 'logs/error.log')],
      { stdio: 'ignore' },
    );
    this.process = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    await waitForPort(this.port);
  }

  /** Stops nginx: connections to the port are refused until `resume`. */
  async stop(): Promise<void> {
    if (this.process === undefined) return;
    this.process.kill('SIGTERM');
    await this.exited;
    this.process = undefined;
  }

  /** Where `GET /bundles/<name>` is served from. */
  get bundleDir(): string {
    return join(this.dir, 'www', 'bundles');
  }

  requests(): CollectedRequest[] {
    let text: string;
    try {
      text = readFileSync(join(this.dir, 'logs/requests.jsonl'), 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const entry = JSON.parse(line) as Record<string, string>;
        const raw = entry['body'] ? readFileSync(entry['body']) : Buffer.alloc(0);
        const encoding = entry['encoding'] ?? '';
        const decoded = encoding === 'gzip' ? gunzipSync(raw) : raw;
        return {
          uri: entry['uri'] ?? '',
          method: entry['method'] ?? '',
          encoding,
          contentType: entry['type'] ?? '',
          status: entry['status'] ?? '',
          raw,
          json: decoded.length === 0 ? undefined : JSON.parse(decoded.toString('utf8')),
        };
      });
  }

  /** The decision-log uploads (`POST /logs`), in arrival order. */
  uploads(): CollectedRequest[] {
    return this.requests().filter((request) => request.uri === '/logs');
  }

  /** Every decision-log event uploaded so far, unpacked from its batch. */
  events<T>(): T[] {
    return this.uploads().flatMap((request) => request.json as T[]);
  }

  /** The status reports (`POST /status`), parsed, in arrival order. */
  statusReports<T>(): T[] {
    return this.requests()
      .filter((request) => request.uri === '/status')
      .map((request) => request.json as T);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * An OPA config that sends decision logs (and, unless `status: false`, status reports) to the
 * collector every second. `reporting` lines are added under `decision_logs.reporting`, `extra`
 * at the top level (a `bundles:` block, say); `labels` adds `team: platform`.
 */
export function collectorConfig(
  url: string,
  options: {
    readonly labels?: boolean;
    readonly status?: boolean;
    readonly console?: boolean;
    readonly reporting?: readonly string[];
    readonly extra?: string;
  } = {},
): string {
  const consoleLine = options.console === true ? '  console: true\n' : '';
  return [
    `services:\n  collector:\n    url: ${url}\n`,
    options.labels === true ? 'labels:\n  team: platform\n' : '',
    options.extra ?? '',
    `decision_logs:\n  service: collector\n${consoleLine}  reporting:\n    min_delay_seconds: 1\n    max_delay_seconds: 1\n`,
    ...(options.reporting ?? []).map((line) => `    ${line}\n`),
    options.status === false ? '' : `status:\n  service: collector\n${consoleLine}`,
  ].join('');
}

/** `opa run --server` with a config file and policy files; stopped with `dispose`. */
export class OpaServer {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    readonly output: () => string,
  ) {}

  static async start(configYaml: string, files: readonly string[]): Promise<OpaServer> {
    const dir = mkdtempSync(join(tmpdir(), 'opa-server-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, configYaml);
    const port = await freePort();
    const child = spawn(
      opaPath(),
      ['run', '--server', '--addr', `127.0.0.1:${String(port)}`, '-c', config, ...files],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    await waitForPort(port);
    return new OpaServer(port, child, exited, () => output);
  }

  /** POST /v1/data/<path> with `input`; resolves with OPA's answer. */
  async query(path: string, input: unknown): Promise<{ decision_id?: string; result?: unknown }> {
    const response = await fetch(`http://127.0.0.1:${String(this.port)}/v1/data/${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    return (await response.json()) as { decision_id?: string; result?: unknown };
  }

  async dispose(): Promise<void> {
    this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${String(timeoutMs)} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs every clean-up step, even when an earlier one fails or its resource was never made (a
 * failed `beforeAll`): no nginx, OPA or shim outlives its test file.
 */
export async function cleanUp(...steps: (() => Promise<unknown>)[]): Promise<void> {
  for (const step of steps) {
    try {
      await step();
    } catch {
      // Keep cleaning up.
    }
  }
}
