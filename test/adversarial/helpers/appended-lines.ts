import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The complete lines appended to a file since the last call, read from where the previous call
 * stopped: a long-mode run appends millions of audit records, so re-reading the file is not an option.
 */
export class AppendedLines {
  private offset = 0;
  private partial = Buffer.alloc(0);

  constructor(private readonly file: string) {}

  next(): string[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return []; // not written yet
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return [];
      const chunk = Buffer.alloc(size - this.offset);
      const read = readSync(fd, chunk, 0, chunk.length, this.offset);
      this.offset += read;
      const bytes = Buffer.concat([this.partial, chunk.subarray(0, read)]);
      const end = bytes.lastIndexOf(0x0a);
      this.partial = end < 0 ? bytes : bytes.subarray(end + 1);
      if (end < 0) return [];
      return bytes
        .subarray(0, end)
        .toString('utf8')
        .split('\n')
        .filter((line) => line !== '');
    } finally {
      closeSync(fd);
    }
  }
}
