import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import {
  errorText,
  ownSegmentName,
  parseLine,
  readWholeLines,
  removeExpired,
  segmentPid,
  shimRunning,
} from './segment-files.js';
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

/** Relist the directory at least this often. */
const RELIST_MS = 1000;

/**
 * The longest the other shims' counts may go unread while calls are judged (docs/rate-limits.md):
 * a quota can be overshot by what they counted within it, on top of the race at the boundary.
 * While no other shim runs, the look (then only for one that starts) is every WRITE_MS instead.
 */
export const REFRESH_MS = 1;

/**
 * While no other shim of the principal runs, the calls counted are held and written together
 * by the first call counted at least this long after the first of them (one write per WRITE_MS
 * of traffic, on that call's path), when the shim notices another shim, and at exit. No timer:
 * on the benchmark machine an armed timer alone (every `epoll_wait` then sleeps with a timeout)
 * measured about 20 µs more per round trip, and a write per call about as much
 * (docs/design/state-store.md, with the caution on those figures).
 * While another shim runs, the calls of each event-loop turn are written once the turn is
 * done, so that it sees them within REFRESH_MS (docs/rate-limits.md).
 */
export const WRITE_MS = 5;

/**
 * A shim alone holds at most this many counted calls: with calls pipelined faster than WRITE_MS
 * lets through, what a shim that starts may not see yet (and a SIGKILL may lose) stays this small.
 */
export const MAX_HELD = 16;

/** Where one other shim's segment has been read up to (whole lines only). */
interface Tail {
  offset: number;
  lineNumber: number;
}

/**
 * Persisted quota counters shared by every shim of one principal, without locks
 * (docs/design/state-store.md): each shim appends its own counted calls to its own segment file
 * (O_APPEND, one small write per call) and reads the other shims' segments incrementally: only
 * the lines added since the last read. Counts older than the window are forgotten; a
 * segment whose entries have all expired and whose shim is gone is deleted at start.
 */
export class QuotaSegments {
  readonly #directory: string;
  readonly #ownName: string;
  readonly #fd: number;
  /** The directory, open for `fstat`: half the cost of a `stat` by path on every quota call. */
  readonly #directoryFd: number;
  readonly #counts: SlidingCounts;
  readonly #tails = new Map<string, Tail>();
  /** The directory's mtime at the last listing: it moves when a segment is created or deleted. */
  #listedMtime = -1;
  #listedAt = 0;
  /** `performance.now()` of the last complete refresh. */
  #refreshedAt = Number.NEGATIVE_INFINITY;
  /** Calls counted but not yet written (see append): key, time, key, time, … */
  #pending: (string | number)[] = [];
  /** `performance.now()` when the first pending call was counted. */
  #heldSince = 0;
  #afterTurn: NodeJS.Immediate | undefined;
  /**
   * True when, at the last listing, another segment's shim (the pid in its name) was running;
   * the segments are listed when the directory changes (a shim that starts creates its segment
   * at its first quota call) and at least every RELIST_MS. A reused pid only makes writes prompt.
   */
  #othersRunning = false;
  /** Set when a write failed: the store is unusable from then on. */
  #failure: Failure | undefined;

  private constructor(directory: string, windowMs: number) {
    this.#directory = directory;
    this.#counts = new SlidingCounts(windowMs);
    this.#ownName = ownSegmentName();
    this.#directoryFd = openSync(directory, 'r');
    try {
      this.#fd = openSync(path.join(directory, this.#ownName), 'a', 0o600);
    } catch (error) {
      closeSync(this.#directoryFd);
      throw error;
    }
    // A shim that exits right after a call still writes it.
    process.on('exit', this.#flushNow);
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
        `Cannot open the quota directory \`${directory}\` (${errorText(error)}). Make it writable, or point \`--state-dir\` elsewhere.`,
      );
    }
    try {
      segments.refresh();
    } catch (error) {
      // Our segment is still empty: leave nothing behind for a store that never opened.
      segments.discard();
      throw error;
    }
    return segments;
  }

  /** The counts in the window, after reading what the other shims appended. Throws QuotaStoreError. */
  view(now: number): WindowView {
    this.#failure?.throwIt();
    this.refresh();
    return this.#counts.view(now);
  }

  /** One key's count, after reading what the other shims added. Throws QuotaStoreError. */
  countOf(key: string, now: number): number {
    this.#failure?.throwIt();
    this.refresh();
    return this.#counts.countOf(key, now);
  }

  /**
   * Counts one call and queues it for the segment file: written after the turn while another
   * shim runs, else held up to WRITE_MS of traffic or MAX_HELD calls (see there). A failed write makes every
   * later view throw, so the calls after it are denied. (A write handed to the thread pool
   * measured slower: its completion wakes the loop again.)
   */
  append(key: string, at: number): void {
    this.#failure?.throwIt();
    const pending = this.#pending;
    if (pending.length === 0) this.#heldSince = performance.now();
    pending.push(key, at);
    this.#counts.add(key, at);
    if (this.#othersRunning) this.#afterTurn ??= setImmediate(this.#flushNow);
    else if (pending.length >= 2 * MAX_HELD || performance.now() - this.#heldSince >= WRITE_MS)
      this.#flushNow();
  }

  /** Whether another shim of the principal was running at the last listing (tests). */
  get othersRunning(): boolean {
    return this.#othersRunning;
  }

  /** Closes and removes our (empty) segment: for a store that failed to open. */
  discard(): void {
    process.off('exit', this.#flushNow);
    closeSync(this.#fd);
    closeSync(this.#directoryFd);
    try {
      unlinkSync(path.join(this.#directory, this.#ownName));
    } catch {
      // Already gone.
    }
  }

  /** Writes what is pending and closes the segment once the writes under way are done. */
  close(): void {
    this.#flushNow();
    process.off('exit', this.#flushNow);
    closeSync(this.#fd);
    closeSync(this.#directoryFd);
  }

  /** Writes the pending lines: see append; also at close, at exit and when another shim starts. */
  readonly #flushNow = (): void => {
    if (this.#afterTurn !== undefined) clearImmediate(this.#afterTurn);
    this.#afterTurn = undefined;
    const pending = this.#pending;
    if (pending.length === 0 || this.#failure !== undefined) return;
    this.#pending = [];
    let text = '';
    for (let index = 0; index < pending.length; index += 2)
      text += `${JSON.stringify({ t: pending[index + 1], k: pending[index] })}\n`;
    try {
      writeSync(this.#fd, text);
    } catch (error) {
      this.#fail(error);
    }
  };

  #fail(error: unknown): void {
    this.#failure ??= new Failure(
      `Cannot write the quota file \`${path.join(this.#directory, this.#ownName)}\` (${errorText(error)}). Make it writable, or point \`--state-dir\` elsewhere.`,
    );
  }

  /**
   * Reads what the other shims appended: one `fstat` of the directory (a new or deleted segment
   * moves its mtime; listed again then, and at least every second in case the file system's
   * timestamps are coarse) and one `stat` per other segment; a segment is read only when it grew.
   * At most once per REFRESH_MS, or per WRITE_MS while no other shim runs (only a shim that
   * starts can then add counts): a run of calls within it shares one look (each look is a system
   * call per shim, the largest part of a quota's cost). After a failure it looks every time.
   * No watcher: its events for our own appends would wake the event loop on every call.
   */
  refresh(): void {
    const started = performance.now();
    if (started - this.#refreshedAt < (this.#othersRunning ? REFRESH_MS : WRITE_MS)) return;
    const now = Date.now();
    try {
      const stats = fstatSync(this.#directoryFd);
      // Removed: our segment, and the other shims' counts, went with it.
      if (stats.nlink === 0) throw new DirectoryRemoved();
      const mtime = stats.mtimeMs;
      if (mtime !== this.#listedMtime || now - this.#listedAt > RELIST_MS) {
        this.#listedMtime = mtime;
        this.#listedAt = now;
        let othersRunning = false;
        for (const name of readdirSync(this.#directory)) {
          const pid = segmentPid(name);
          if (name === this.#ownName || pid === undefined) continue;
          if (!this.#tails.has(name)) this.#tails.set(name, { offset: 0, lineNumber: 0 });
          othersRunning ||= shimRunning(pid);
        }
        this.#othersRunning = othersRunning;
        // One started: what this shim counted and holds is written now, for its next look.
        if (othersRunning) this.#flushNow();
      }
    } catch (error) {
      this.#listedMtime = -1;
      if (error instanceof DirectoryRemoved)
        throw new QuotaStoreError(
          `The quota directory \`${this.#directory}\` was removed while the shim ran, with the counts in it. Restart the shim to start counting again, or point \`--state-dir\` elsewhere.`,
        );
      throw new QuotaStoreError(
        `Cannot read the quota directory \`${this.#directory}\` (${errorText(error)}). Make it readable, or point \`--state-dir\` elsewhere.`,
      );
    }
    try {
      for (const [name, tail] of this.#tails) this.#readTail(name, tail);
      this.#refreshedAt = started;
    } catch (error) {
      // Lines past the bad one are never read: the store stays unusable until a restart.
      if (error instanceof QuotaStoreError) this.#failure = new Failure(error.message);
      throw error;
    }
  }

  #readTail(name: string, tail: Tail): void {
    const file = path.join(this.#directory, name);
    let text: string;
    try {
      if (statSync(file).size <= tail.offset) return;
      text = readWholeLines(file, tail.offset);
    } catch (error) {
      // An expired segment another shim removed.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        this.#tails.delete(name);
        return;
      }
      throw new QuotaStoreError(
        `Cannot read the quota file \`${file}\` (${errorText(error)}). Make it readable, or move it aside (its counts are then lost).`,
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
        throw new QuotaStoreError(
          `The quota file \`${file}\` is corrupt at line ${tail.lineNumber}: expected {"t": <ms>, "k": "<key>"}, got \`${line.slice(0, 80)}\`. Move the file aside or delete it (its counts are then lost).`,
        );
      }
      this.#counts.add(entry.k, entry.t);
    }
  }
}

/** The quota directory's link count fell to zero (see refresh). */
class DirectoryRemoved extends Error {}
