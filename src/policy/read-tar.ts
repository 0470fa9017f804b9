import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';

/**
 * Reads a gzipped tar archive (an OPA bundle) into memory with the `tar` package, which checks
 * each header's checksum and understands ustar, PAX and GNU long names. Anything short of a
 * whole, valid archive throws: a truncated stream, a bad checksum, a duplicated path, or an entry
 * that is not a regular file or a directory (a link could stand for a signed file). Decompression
 * stops at `maxBytes`, so a gzip bomb cannot exhaust memory.
 */
export function readTarGz(gz: Uint8Array, maxBytes = 512 * 1024 * 1024): Map<string, Buffer> {
  const tar = gunzipSync(gz, { maxOutputLength: maxBytes });
  const files = new Map<string, Buffer>();
  // Tar is written in 512-byte blocks; anything else was cut short (the parser drops a partial header).
  if (tar.length % 512 !== 0)
    throw new Error('the archive is truncated (not a whole number of blocks)');
  // An empty archive (zero blocks only), which the parser calls unrecognised.
  if (tar.length >= 1024 && tar.every((byte) => byte === 0)) return files;
  let failure: Error | undefined;
  /** Entries whose body the archive cut short: the parser does not report them itself. */
  const unfinished = new Set<string>();
  const fail = (error: Error) => {
    failure ??= error;
  };
  const parser = new Parser({
    strict: true,
    onReadEntry(entry: ReadEntry) {
      if (entry.type === 'Directory') {
        entry.resume();
        return;
      }
      const name = normaliseName(entry.path);
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        fail(new Error(`${name} is a ${entry.type} entry; a bundle holds only regular files`));
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      unfinished.add(name);
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        unfinished.delete(name);
        if (files.has(name)) fail(new Error(`${name} appears twice in the archive`));
        files.set(name, Buffer.concat(chunks));
      });
    },
  });
  parser.on('error', fail);
  // strict: warnings (bad checksums, invalid entries) are errors too.
  parser.on('warn', (_code: string, message: string | Error) => {
    fail(message instanceof Error ? message : new Error(message));
  });
  // The parser works synchronously on a buffer handed to it whole.
  parser.end(tar);
  if (failure !== undefined) throw failure;
  const [cut] = unfinished;
  if (cut !== undefined) throw new Error(`the archive ends inside ${cut} (truncated)`);
  return files;
}

/** Bundle paths are rooted: `policy.wasm`, `./policy.wasm` and `/policy.wasm` are all `/policy.wasm`. */
function normaliseName(name: string): string {
  return `/${name.replace(/^\.?\/+/, '')}`;
}
