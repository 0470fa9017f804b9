import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';

/**
 * The files of the quota store (docs/design/state-store.md): one segment per running shim,
 * `<pid>-<8 hex>.jsonl`, one line `{"t": <ms>, "k": "<key>"}` per counted call. Their names,
 * their lines, and the system calls that read and clean them; QuotaSegments keeps the counts.
 */
const SEGMENT = /^(\d+)-[0-9a-f]{8}\.jsonl$/;

/** A new segment's name for this process. */
export function ownSegmentName(): string {
  return `${String(process.pid)}-${randomUUID().slice(0, 8)}.jsonl`;
}

/** The pid in a segment's name; undefined for any other file. */
export function segmentPid(name: string): number | undefined {
  const pid = SEGMENT.exec(name)?.[1];
  return pid === undefined ? undefined : Number(pid);
}

/** True while process `pid` exists (one we may not signal counts: EPERM). */
export function shimRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One segment line, or undefined when it is not `{"t": finite number, "k": string}`. */
export function parseLine(line: string): { t: number; k: string } | undefined {
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

/** The whole lines of `file` after byte `offset`: a line its writer has not finished is left. */
export function readWholeLines(file: string, offset: number): string {
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
    const end = read === 0 ? 0 : buffer.lastIndexOf(0x0a, read - 1) + 1;
    return buffer.toString('utf8', 0, end);
  } finally {
    closeSync(fd);
  }
}

/** Deletes the segments last written before the window whose shim has exited: all expired. */
export function removeExpired(directory: string, windowMs: number, now: number): void {
  for (const name of readdirSync(directory)) {
    const pid = segmentPid(name);
    if (pid === undefined || shimRunning(pid)) continue;
    const file = path.join(directory, name);
    try {
      if (statSync(file).mtimeMs < now - windowMs) unlinkSync(file);
    } catch {
      // Another shim removed it first.
    }
  }
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
