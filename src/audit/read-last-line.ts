import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LastLine {
  readonly text: string;
  /** False when the file ends mid-line (a torn write). */
  readonly terminated: boolean;
}

const CHUNK = 64 * 1024;

/**
 * The last line of a file, read backwards in chunks so a long record costs no more than its
 * own size. Undefined for a missing or empty file.
 */
export function readLastLine(file: string): LastLine | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return undefined;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    const terminated = last[0] === 0x0a;
    const end = terminated ? size - 1 : size;
    let start = end;
    const chunks: Buffer[] = [];
    while (start > 0) {
      const length = Math.min(CHUNK, start);
      const chunk = Buffer.alloc(length);
      readSync(fd, chunk, 0, length, start - length);
      const newline = chunk.lastIndexOf(0x0a);
      if (newline >= 0) {
        chunks.unshift(chunk.subarray(newline + 1));
        break;
      }
      chunks.unshift(chunk);
      start -= length;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), terminated };
  } finally {
    closeSync(fd);
  }
}
