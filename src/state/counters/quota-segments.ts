import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
  watch,
  writeSync,
  type FSWatcher,
} from 'node:fs';
import path from 'node:path';
import { SlidingCounts, type WindowView } from './sliding-counts.js';

/** A quota file that cannot be read, parsed or written: the shim fails closed on it. */
export class QuotaStoreError extends Error {
  override readonly name = 'QuotaStoreError';
}

/** A write error kept to be thrown at every later use. */
class Failure {
  constructor(readonly message: string) {}
  throwIt(): never {
    throw new QuotaStoreError(this.message);
  }
}

const SEGMENT = /^(\d+)-[0-9a-f]{8}\.jsonl$/;

/** Where one other shim's segment has been read up to (whole lines only). */
interface Tail {
  offset: number;
  lineNumber: number;
}

/**
 * Persisted quota counters shared by every shim of one principal, without locks
 * (docs/design/state-store.md): each shim appends its own counted calls to its own segment file
 * (O_APPEND, one small write per call) and reads the other shims' segments incrementally, only
 * when the directory watcher saw them change. Counts older than the window are forgotten; a
 * segment whose entries have all expired and whose shim is gone is deleted at start.
 */
export class QuotaSegments {
  readonly #directory: string;
  readonly #ownName: string;
  readonly #fd: number;
  readonly #counts: SlidingCounts;
  readonly #tails = new Map<string, Tail>();
  readonly #watcher: FSWatcher | undefined;
  /** Without a working watcher every view reads the directory: slower, never stale. */
  #unwatched = false;
  /** Another segment may have grown (or appeared) since the last read. */
  #stale = true;
  /** Lines counted but not yet written (see append). */
  #pending: string[] = [];
  #flushing: NodeJS.Immediate | undefined;
  /** Set when a write failed: the store is unusable from then on. */
  #failure: Failure | undefined;

  private constructor(directory: string, windowMs: number) {
    this.#directory = directory;
    this.#counts = new SlidingCounts(windowMs);
    this.#ownName = `${process.pid}-${randomUUID().slice(0, 8)}.jsonl`;
    this.#fd = openSync(path.join(directory, this.#ownName), 'a', 0o600);
    this.#watcher = watchOthers(
      directory,
      this.#ownName,
      () => {
        this.#stale = true;
      },
      () => {
        this.#unwatched = true;
      },
    );
    if (this.#watcher === undefined) this.#unwatched = true;
    // A shim that exits right after a call still writes it.
    process.on('exit', this.#flush);
  }

  /** Opens (creating) the principal's quota directory and reads every segment. Throws QuotaStoreError. */
  static open(directory: string, windowMs: number, now: number): QuotaSegments {
    let segments: QuotaSegments;
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 });
      removeExpired(directory, windowMs, now);
      segments = new QuotaSegments(directory, windowMs);
    } catch (error) {
      throw new QuotaStoreError(
        `Cannot open the quota directory \`${directory}\` (${describe(error)}). Make it writable, or point \`--state-dir\` elsewhere.`,
      );
    }
    segments.refresh();
    return segments;
  }

  /** The counts in the window, after reading what the other shims appended. Throws QuotaStoreError. */
  view(now: number): WindowView {
    this.#failure?.throwIt();
    this.refresh();
    return this.#counts.view(now);
  }

  /**
   * Counts one call and queues it for the segment file. The write happens once the current
   * turn of the event loop is done (after the call was forwarded, while the server works on it),
   * one write for every call of that turn; a failed write makes every later view throw, so the
   * calls after it are denied.
   */
  append(key: string, at: number): void {
    this.#failure?.throwIt();
    this.#pending.push(`${JSON.stringify({ t: at, k: key })}\n`);
    this.#counts.add(key, at);
    this.#flushing ??= setImmediate(this.#flush);
  }

  close(): void {
    this.#flush();
    process.off('exit', this.#flush);
    this.#watcher?.close();
    closeSync(this.#fd);
  }

  readonly #flush = (): void => {
    if (this.#flushing !== undefined) clearImmediate(this.#flushing);
    this.#flushing = undefined;
    if (this.#pending.length === 0 || this.#failure !== undefined) return;
    const text = this.#pending.join('');
    this.#pending = [];
    try {
      writeSync(this.#fd, text);
    } catch (error) {
      this.#failure = new Failure(
        `Cannot write the quota file \`${path.join(this.#directory, this.#ownName)}\` (${describe(error)}). Make it writable, or point \`--state-dir\` elsewhere.`,
      );
    }
  };

  refresh(): void {
    if (!this.#stale) return;
    // Cleared first: a change seen while reading marks it stale again.
    this.#stale = this.#unwatched;
    let names: string[];
    try {
      names = readdirSync(this.#directory);
    } catch (error) {
      this.#stale = true;
      throw new QuotaStoreError(
        `Cannot read the quota directory \`${this.#directory}\` (${describe(error)}). Make it readable, or point \`--state-dir\` elsewhere.`,
      );
    }
    for (const name of names) {
      if (name !== this.#ownName && SEGMENT.test(name)) this.#readTail(name);
    }
  }

  #readTail(name: string): void {
    const file = path.join(this.#directory, name);
    let tail = this.#tails.get(name);
    if (tail === undefined) {
      tail = { offset: 0, lineNumber: 0 };
      this.#tails.set(name, tail);
    }
    let text: string;
    try {
      text = readFrom(file, tail.offset);
    } catch (error) {
      // Deleted between readdir and open: an expired segment another shim removed.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.#stale = true;
      throw new QuotaStoreError(
        `Cannot read the quota file \`${file}\` (${describe(error)}). Make it readable, or move it aside (its counts are then lost).`,
      );
    }
    if (text === '') return;
    tail.offset += Buffer.byteLength(text);
    const lines = text.split('\n');
    lines.pop();
    for (const line of lines) {
      tail.lineNumber++;
      const entry = parseLine(line);
      if (entry === undefined) {
        this.#stale = true;
        throw new QuotaStoreError(
          `The quota file \`${file}\` is corrupt at line ${tail.lineNumber}: expected {"t": <ms>, "k": "<key>"}, got \`${line.slice(0, 80)}\`. Move the file aside or delete it (its counts are then lost).`,
        );
      }
      this.#counts.add(entry.k, entry.t);
    }
  }
}

function parseLine(line: string): { t: number; k: string } | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value !== 'object' || value === null) return undefined;
    const { t, k } = value as Record<string, unknown>;
    return typeof t === 'number' && Number.isFinite(t) && typeof k === 'string'
      ? { t, k }
      : undefined;
  } catch {
    return undefined;
  }
}

function readFrom(file: string, offset: number): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size <= offset) return '';
    const buffer = Buffer.alloc(size - offset);
    let read = 0;
    while (read < buffer.length) {
      const got = readSync(fd, buffer, read, buffer.length - read, offset + read);
      if (got === 0) break;
      read += got;
    }
    // Whole lines only: a line its writer has not finished is read on a later refresh.
    const end = read === 0 ? 0 : buffer.lastIndexOf(0x0a, read - 1) + 1;
    return buffer.toString('utf8', 0, end);
  } finally {
    closeSync(fd);
  }
}

/** Marks the view stale when a segment other than our own changes; undefined if watching fails. */
function watchOthers(
  directory: string,
  ownName: string,
  onChange: () => void,
  onFailure: () => void,
): FSWatcher | undefined {
  try {
    const watcher = watch(directory, { persistent: false }, (_event, name) => {
      if (name !== ownName) onChange();
    });
    watcher.on('error', () => {
      watcher.close();
      onFailure();
    });
    return watcher;
  } catch {
    return undefined;
  }
}

/** Segments last written before the window whose shim has exited: every count in them expired. */
function removeExpired(directory: string, windowMs: number, now: number): void {
  for (const name of readdirSync(directory)) {
    const pid = SEGMENT.exec(name)?.[1];
    if (pid === undefined || running(Number(pid))) continue;
    const file = path.join(directory, name);
    try {
      if (statSync(file).mtimeMs < now - windowMs) unlinkSync(file);
    } catch {
      // Another shim removed it first.
    }
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
