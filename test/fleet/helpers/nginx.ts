import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from './fleet-setup.js';

export const NGINX = ['/usr/sbin/nginx', '/usr/local/sbin/nginx'].find((path) => existsSync(path));

/** A free port on 127.0.0.1 (the kernel's choice), for servers that cannot listen on port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (typeof address === 'object' && address !== null) resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * A real nginx serving `www/` on 127.0.0.1 from a temporary prefix, with ETags on (the default
 * for static files) and an access log that records each request's `If-None-Match` and status.
 * `failWith500()` makes every request answer 500 (a marker file nginx tests with `-f`).
 */
export class Nginx {
  readonly dir = mkdtempSync(join(tmpdir(), 'fleet-nginx-'));
  readonly www = join(this.dir, 'www');
  private child: ChildProcess | undefined;
  port = 0;

  constructor() {
    mkdirSync(this.www);
    mkdirSync(join(this.dir, 'tmp'));
    // The worker may run as `nobody` when the test runs as root.
    chmodSync(this.dir, 0o755);
    chmodSync(this.www, 0o755);
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  async start(port?: number): Promise<void> {
    if (NGINX === undefined)
      throw new Error('These tests need nginx: `apt-get install -y nginx` (bash .ci/run does it).');
    this.port = port ?? (await freePort());
    const tmp = join(this.dir, 'tmp');
    const conf = join(this.dir, 'nginx.conf');
    writeFileSync(
      conf,
      `worker_processes 1;
daemon off;
pid ${this.dir}/nginx.pid;
error_log ${this.dir}/error.log warn;
events { worker_connections 64; }
http {
  log_format fleet escape=none '$status $request_method $uri inm=$http_if_none_match prefer=$http_prefer ua=$http_user_agent auth=$http_authorization team=$http_x_team';
  access_log ${this.dir}/access.log fleet;
  client_body_temp_path ${tmp}/body;
  proxy_temp_path ${tmp}/proxy;
  fastcgi_temp_path ${tmp}/fastcgi;
  uwsgi_temp_path ${tmp}/uwsgi;
  scgi_temp_path ${tmp}/scgi;
  default_type application/gzip;
  etag on;
  server {
    listen 127.0.0.1:${String(this.port)};
    root ${this.www};
    location / {
      if (-f ${this.dir}/fail500) { return 500; }
    }
  }
}
`,
    );
    this.child = spawn(NGINX, ['-p', this.dir, '-c', conf], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    this.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        const response = await fetch(`${this.url}/`);
        await response.arrayBuffer();
        return;
      } catch {
        if (this.child.exitCode !== null || Date.now() > deadline)
          throw new Error(`nginx did not start: ${stderr}${this.errorLog()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private lastMtime = 0;

  /**
   * Publishes a file by rename, as a deploy would. nginx's ETag is the mtime in seconds and the
   * size, so each publication gets an mtime a second past the last: two revisions of the same
   * size published within a second would otherwise share an ETag (docs/fleet.md says so).
   */
  publish(name: string, bytes: Uint8Array): void {
    const path = join(this.www, name);
    const temp = `${path}.tmp`;
    writeFileSync(temp, bytes, { mode: 0o644 });
    this.lastMtime = Math.max(Math.floor(Date.now() / 1000), this.lastMtime + 1);
    utimesSync(temp, this.lastMtime, this.lastMtime);
    renameSync(temp, path);
  }

  failWith500(on: boolean): void {
    const marker = join(this.dir, 'fail500');
    if (on) writeFileSync(marker, '');
    else rmSync(marker, { force: true });
  }

  accessLog(): string[] {
    try {
      return readFileSync(join(this.dir, 'access.log'), 'utf8')
        .split('\n')
        .filter((line) => line !== '');
    } catch {
      return [];
    }
  }

  /**
   * The access-log lines that contain `needle`, once there are at least `count` of them: nginx
   * writes a request's line after it has sent the response, so a client can be answered first.
   */
  async accessLogLines(needle: string, count: number, timeoutMs = 5_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const lines = this.accessLog().filter((line) => line.includes(needle));
      if (lines.length >= count || Date.now() > deadline) return lines;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  errorLog(): string {
    try {
      return readFileSync(join(this.dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** Stops the server we started (fast shutdown), and waits for it. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await stopChild(child);
  }
}
