import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WATCHER = fileURLToPath(new URL('./inotify-watch.py', import.meta.url));

/**
 * inotify on the trees outside the roots (helpers/inotify-watch.py). `fence()` drops a marker in
 * the fence directory and returns the events seen before it, so each case gets exactly its own.
 */
export class OutsideWatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private events: string[] = [];
  private partial = '';
  private waiting: { marker: string; resolve: () => void } | undefined;
  private fences = 0;
  private readonly ready: Promise<void>;

  constructor(
    dirs: readonly string[],
    private readonly fenceDir: string,
  ) {
    this.child = spawn('python3', [WATCHER, ...dirs, fenceDir]);
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.ready = new Promise((resolve, reject) => {
      this.child.on('exit', (code) => {
        reject(new Error(`the inotify watcher exited (${String(code)}): ${stderr}`));
      });
      this.child.stdout.on('data', (chunk: Buffer) => {
        this.partial += chunk.toString('utf8');
        const lines = this.partial.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) {
          if (line === 'READY') resolve();
          else this.take(line);
        }
      });
    });
  }

  start(): Promise<void> {
    return this.ready;
  }

  /** Events (other than the fence's own) since the previous fence. */
  async fence(timeoutMs = 10_000): Promise<string[]> {
    const marker = join(this.fenceDir, `f${this.fences++}`);
    const seen = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the inotify watcher did not report ${marker}`));
      }, timeoutMs);
      this.waiting = {
        marker,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    writeFileSync(marker, '');
    await seen;
    rmSync(marker);
    const events = this.events;
    this.events = [];
    return events;
  }

  stop(): void {
    this.child.removeAllListeners('exit');
    this.child.kill();
  }

  private take(line: string): void {
    const path = line.slice(line.indexOf(' ') + 1);
    if (path === this.fenceDir || path.startsWith(`${this.fenceDir}/`)) {
      if (this.waiting !== undefined && path === this.waiting.marker && line.startsWith('CREATE')) {
        const { resolve } = this.waiting;
        this.waiting = undefined;
        resolve();
      }
      return;
    }
    this.events.push(line);
  }
}
