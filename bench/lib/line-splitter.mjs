/**
 * Newline-delimited frames from a byte stream. Keeps partial lines as Buffer
 * chunks and decodes once per line, so a 50 MB line costs one concat, not
 * thousands of string appends, and UTF-8 split across chunks stays intact.
 */
import { Buffer } from 'node:buffer';

export class LineSplitter {
  #pending = [];

  /** @param {(line: string) => void} onLine */
  constructor(onLine) {
    this.onLine = onLine;
  }

  push(chunk) {
    let start = 0;
    let newline = chunk.indexOf(10, start);
    while (newline !== -1) {
      let bytes = chunk.subarray(start, newline);
      if (this.#pending.length > 0) {
        this.#pending.push(bytes);
        bytes = Buffer.concat(this.#pending);
        this.#pending = [];
      }
      const end =
        bytes.length > 0 && bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
      if (end > 0) this.onLine(bytes.toString('utf8', 0, end));
      start = newline + 1;
      newline = chunk.indexOf(10, start);
    }
    if (start < chunk.length) this.#pending.push(chunk.subarray(start));
  }
}
