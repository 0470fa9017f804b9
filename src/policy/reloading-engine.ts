import { createHash } from 'node:crypto';
import { watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { PolicyInput } from '../core/policy-input.js';
import type { Decision, MaskRule, PolicyEngine, PolicyRevision } from '../core/decision.js';
import { thrownText } from './policy-load-error.js';

export type ReloadEvent =
  | { readonly ok: true; readonly revision: PolicyRevision }
  | { readonly ok: false; readonly error: string; readonly revision: PolicyRevision };

/** A digest of the files' contents, so that duplicate change events do not reload the same version twice. */
export async function fingerprintFiles(files: readonly string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(file).update('\0');
    try {
      hash.update(await readFile(file));
    } catch (thrown) {
      hash.update(`unreadable: ${thrownText(thrown)}`);
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** How long to let an editor finish writing before reloading. */
const SETTLE_MS = 50;
/** Polling backs up fs.watch, which misses some replace-by-rename saves and network file systems. */
const POLL_MS = 1000;

/**
 * Hot reload: when a watched file changes, loads the new version in the background and swaps it
 * in; evaluations after the swap use it. A version that fails to load leaves the last good one
 * in place, and `onReload` says why.
 */
export class ReloadingEngine implements PolicyEngine {
  private current: PolicyEngine;
  private readonly watchers: FSWatcher[] = [];
  private readonly polled: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReloadEvent> | undefined;
  private again = false;
  private closed = false;
  private readonly files: readonly string[];

  /** `fingerprint`: fingerprintFiles(files) taken before `initial` was loaded. */
  constructor(
    initial: PolicyEngine,
    private readonly load: () => Promise<PolicyEngine>,
    files: readonly string[],
    private fingerprint: string,
    private readonly onReload: (event: ReloadEvent) => void = () => undefined,
  ) {
    this.current = initial;
    this.files = files;
    const paths = [...new Set(files.map((file) => resolve(file)))];
    for (const dir of new Set(paths.map(dirname))) {
      const names = new Set(
        paths.filter((path) => dirname(path) === dir).map((path) => basename(path)),
      );
      try {
        // The directory, not the file: editors often save by writing a new file and renaming it.
        const watcher = watch(dir, { persistent: false }, (_event, name) => {
          if (name === null || names.has(name)) this.schedule();
        });
        watcher.on('error', () => undefined);
        this.watchers.push(watcher);
      } catch {
        // Polling below still covers it.
      }
    }
    for (const path of paths) {
      watchFile(path, { persistent: false, interval: POLL_MS }, (now, before) => {
        if (now.mtimeMs !== before.mtimeMs || now.size !== before.size || now.ino !== before.ino)
          this.schedule();
      });
      this.polled.push(path);
    }
  }

  get revision(): PolicyRevision {
    return this.current.revision;
  }

  evaluate(input: PolicyInput): Decision {
    return this.current.evaluate(input);
  }

  maskRules(input: PolicyInput): readonly MaskRule[] {
    return this.current.maskRules(input);
  }

  shouldDrop(input: PolicyInput): boolean {
    return this.current.shouldDrop(input);
  }

  /** Reloads now (coalescing with a reload in progress); resolves with the outcome. */
  reload(): Promise<ReloadEvent> {
    if (this.running !== undefined) {
      this.again = true;
      return this.running;
    }
    this.running = this.reloadOnce().finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    });
    return this.running;
  }

  /**
   * Swaps in an engine loaded elsewhere (a bundle downloaded by fleet mode); evaluations after
   * the call use it and the previous one is closed. Evaluation is synchronous, so none is cut.
   */
  swap(next: PolicyEngine): void {
    if (this.closed) {
      next.close();
      return;
    }
    const previous = this.current;
    this.current = next;
    previous.close();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    for (const watcher of this.watchers) watcher.close();
    for (const path of this.polled) unwatchFile(path);
    this.current.close();
  }

  private schedule(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), SETTLE_MS);
    this.timer.unref();
  }

  private async reloadOnce(): Promise<ReloadEvent> {
    // Taken before loading: a change made during the load triggers another reload.
    const fingerprint = await fingerprintFiles(this.files);
    if (fingerprint === this.fingerprint) return { ok: true, revision: this.current.revision };
    this.fingerprint = fingerprint;
    let event: ReloadEvent;
    try {
      const next = await this.load();
      if (this.closed) {
        next.close();
        return { ok: true, revision: this.current.revision };
      }
      const previous = this.current;
      this.current = next;
      previous.close();
      event = { ok: true, revision: next.revision };
    } catch (thrown) {
      event = { ok: false, error: thrownText(thrown), revision: this.current.revision };
    }
    this.onReload(event);
    return event;
  }
}
