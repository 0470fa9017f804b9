import * as crypto from 'node:crypto';
import { closeSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SecretSet } from '../secrets/secret-set.js';
import { readLastLine } from './read-last-line.js';
import { WriterLock } from './writer-lock.js';

/**
 * Appends records to the audit log. Each line is scrubbed of secrets, handed to the OS with
 * a synchronous write (write-ahead: it is in the file before `append` returns), and hashed
 * so the next record can carry `prev_hash`. One writer per file: two processes appending to
 * the same log would interleave and break the chain.
 *
 * Group commit: after `hold()`, appended lines wait in memory (already chained, in order) and
 * `flush()` hands them all to the OS in one write. The caller forwards nothing that a held
 * record covers before `flush()` returned.
 */
export class ChainWriter {
  /** `seq` of the next record. */
  nextSeq = 0;
  private lastHash: string | null = null;
  /** The last line appended, not hashed yet: hashing waits for idle time or the next record. */
  private unhashed: string | undefined;
  private hashScheduled = false;
  /** Lines appended while holding, not written yet, and the chain as it was before the first. */
  private held: string[] = [];
  private beforeHeld:
    { seq: number; hash: string | null; unhashed: string | undefined } | undefined;
  private holding = false;
  /** The type of the last record found in the file when it was opened, if any. */
  readonly previousType: string | undefined;
  /** The file had a last line when opened (a record, or a line torn by a crash). */
  readonly resumed: boolean = false;
  private fd: number | undefined;
  private lock: WriterLock | undefined;

  constructor(
    file: string | undefined,
    private readonly toStderr: boolean,
    private readonly secrets: SecretSet,
  ) {
    if (file === undefined) return;
    createDirectory(dirname(file));
    // A device or pipe (a log shipper's FIFO) has no tail to chain onto and no lock to take.
    const regular = statSync(file, { throwIfNoEntry: false })?.isFile() ?? true;
    if (regular) this.lock = WriterLock.acquire(file);
    try {
      this.fd = openSync(file, 'a', 0o600);
    } catch (error) {
      this.lock?.release();
      const reason = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new Error(
        `Cannot open \`--audit-log\` file \`${file}\` (${reason}). Choose a file in a directory you can write to.`,
        { cause: error },
      );
    }
    const last = regular ? readLastLine(file) : undefined;
    if (last === undefined) return;
    this.resumed = true;
    // A torn last line (crash mid-write) is closed off, so our first record starts a line.
    if (!last.terminated) this.writeAll('\n');
    this.lastHash = hashLine(last.text);
    const previous = parseChainFields(last.text);
    this.nextSeq = previous.seq === undefined ? 0 : previous.seq + 1;
    this.previousType = previous.type;
  }

  /** sha256 of the last line appended, or found at the end of the file when opened. */
  get prevHash(): string | null {
    this.hashPending();
    return this.lastHash;
  }

  /** Lines appended since `hold()` and not written yet. */
  get heldCount(): number {
    return this.held.length;
  }

  /** From now on, appended lines wait for `flush()`. */
  hold(): void {
    this.holding = true;
  }

  /** Writes what is held and appends each line at once again; throws like `flush()`. */
  release(): void {
    this.holding = false;
    this.flush();
  }

  /**
   * Hands every held line to the OS in one write. When that fails, the held lines are dropped,
   * the chain goes back to the last line written (the next record chains onto it) and the error
   * is thrown: whatever those records covered must not move.
   */
  flush(): void {
    if (this.held.length === 0) return;
    // One string for the group, built in one step (an empty last element ends it with a newline).
    this.held.push('');
    const text = this.held.join('\n');
    const before = this.beforeHeld;
    this.held = [];
    this.beforeHeld = undefined;
    try {
      this.writeAll(text);
    } catch (error) {
      if (before !== undefined) {
        this.nextSeq = before.seq;
        this.lastHash = before.hash;
        this.unhashed = before.unhashed;
      }
      throw error;
    }
    if (this.toStderr) process.stderr.write(text);
  }

  /**
   * Writes one record (its JSON text, without the newline), or holds it after `hold()`; throws
   * when it cannot be written.
   */
  append(record: string): void {
    // Scrubbed before it is written and hashed, so `verify` holds on what is in the file; a
    // secret spelled with JSON escapes (`\u0067hp_…`) is found in its decoded form.
    const line = this.secrets.size === 0 ? record : this.secrets.scrubJson(record);
    if (this.holding) {
      this.beforeHeld ??= { seq: this.nextSeq, hash: this.lastHash, unhashed: this.unhashed };
      this.held.push(line);
    } else {
      if (this.fd !== undefined) this.writeAll(`${line}\n`);
      if (this.toStderr) process.stderr.write(`${line}\n`);
    }
    // The previous line's hash was read by this record's `prev_hash` already (chain()).
    this.unhashed = line;
    this.nextSeq += 1;
    // The record's hash is only needed by the next one: compute it off the message's critical
    // path when the loop is idle, once per turn of the loop, not per record.
    if (!this.hashScheduled) {
      this.hashScheduled = true;
      setImmediate(() => {
        this.hashScheduled = false;
        this.hashPending();
      });
    }
  }

  private hashPending(): void {
    if (this.unhashed === undefined) return;
    this.lastHash = hashLine(this.unhashed);
    this.unhashed = undefined;
  }

  /** Writes what is held (throws like `flush()`), then closes the file. */
  close(): void {
    try {
      this.holding = false;
      this.flush();
    } finally {
      if (this.fd !== undefined) {
        closeSync(this.fd);
        this.fd = undefined;
        this.lock?.release();
      }
    }
  }

  private writeAll(text: string): void {
    if (this.fd === undefined) return;
    // Writing the string lets Node encode it without an intermediate Buffer; a short write
    // (rare on a regular file) is finished from a Buffer.
    const written = writeSync(this.fd, text);
    const bytes = Buffer.byteLength(text);
    if (written === bytes) return;
    const rest = Buffer.from(text, 'utf8');
    for (let offset = written; offset < bytes;) offset += writeSync(this.fd, rest, offset);
  }
}

/**
 * `--audit-log ~/.mcp-audit/x.jsonl` works on a fresh machine: missing directories are created,
 * readable by the owner only (the log holds arguments and paths).
 */
function createDirectory(directory: string): void {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(
      `Cannot create the \`--audit-log\` directory \`${directory}\` (${reason}). Create it yourself or choose a writable path.`,
      { cause: error },
    );
  }
}

function parseChainFields(text: string): { seq?: number; type?: string } {
  try {
    const value = JSON.parse(text) as { seq?: unknown; type?: unknown };
    return {
      ...(Number.isSafeInteger(value.seq) ? { seq: value.seq as number } : {}),
      ...(typeof value.type === 'string' ? { type: value.type } : {}),
    };
  } catch {
    return {};
  }
}

const oneShotHash = (
  crypto as {
    hash?: (algorithm: string, data: string, encoding: 'hex') => string;
  }
).hash;

/** sha256 (hex) of one audit line's exact UTF-8 bytes, without its trailing newline. */
function hashLine(line: string): string {
  // crypto.hash (Node 20.12+) is one call without a Hash object: about 0.6 µs less per record.
  return oneShotHash === undefined
    ? crypto.createHash('sha256').update(line, 'utf8').digest('hex')
    : oneShotHash('sha256', line, 'hex');
}
