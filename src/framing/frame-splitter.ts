import { StringDecoder } from 'node:string_decoder';

/** One complete newline-delimited frame, decoded as UTF-8 without its line ending. */
export interface LineFrame {
  readonly kind: 'line';
  readonly text: string;
}

/** A frame longer than the limit: its bytes were discarded, never buffered whole. */
export interface OversizeFrame {
  readonly kind: 'oversize';
  /** Bytes the frame carried before its newline (or before end of stream); always > the limit. */
  readonly bytes: number;
  /** The first bytes of the frame, decoded, so the relay can try to recover the JSON-RPC id. */
  readonly head: string;
  /**
   * The last bytes of the frame, decoded (a character cut at its start becomes U+FFFD): SDK
   * programs write `id` last (`{"method":…,"params":…,"jsonrpc":"2.0","id":1}`), so for a large
   * frame only the tail holds it.
   */
  readonly tail: string;
}

export type Frame = LineFrame | OversizeFrame;

/**
 * One complete frame as bytes, not decoded: its content is `source[start, end)`. Nothing is copied
 * for a frame within one read chunk; a frame that spanned chunks gets a buffer of its own.
 */
export interface BytesFrame {
  readonly kind: 'bytes';
  readonly source: Buffer;
  readonly start: number;
  readonly end: number;
  /** `source[end]` is a `\n`: `source[start, end + 1)` is the frame as it is written out. */
  readonly newlineFollows: boolean;
}

export type RawFrame = BytesFrame | OversizeFrame;

export interface FrameLimits {
  /** A frame whose content (without `\n` and a trailing `\r`) exceeds this many bytes is rejected. */
  readonly maxFrameBytes: number;
}

export const OVERSIZE_HEAD_BYTES = 256;
export const OVERSIZE_TAIL_BYTES = 256;

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into frames at `\n`. Splitting bytes (not strings) is safe because 0x0A never
 * occurs inside a multi-byte UTF-8 sequence; each complete frame is decoded once, so characters split
 * between chunks come out whole. Bytes are copied only when a frame spans chunks.
 * `pushBytes` yields frames undecoded, for callers that can forward bytes as they came.
 */
export class FrameSplitter {
  readonly #max: number;
  #parts: Buffer[] = [];
  #partBytes = 0;
  /** Set while skipping the rest of an oversize frame; holds its first bytes. */
  #oversizeHead: Buffer | undefined;
  /** The last bytes seen of the frame being skipped. */
  #oversizeTail: Buffer = Buffer.alloc(0);
  #oversizeBytes = 0;

  constructor(limits: FrameLimits) {
    assertPositiveInteger(limits.maxFrameBytes);
    this.#max = limits.maxFrameBytes;
  }

  /** Bytes currently held for an incomplete frame (bounded by the limit + 1). */
  get bufferedBytes(): number {
    return this.#partBytes;
  }

  /** Appends the frames completed by `chunk` to `out`, decoded. */
  push(chunk: Buffer, out: Frame[]): void {
    const raw: RawFrame[] = [];
    this.pushBytes(chunk, raw);
    decodeInto(raw, out);
  }

  /** Flushes an unterminated last frame at end of stream. */
  end(out: Frame[]): void {
    const raw: RawFrame[] = [];
    this.endBytes(raw);
    decodeInto(raw, out);
  }

  /** Appends the frames completed by `chunk` to `out`, as bytes. */
  pushBytes(chunk: Buffer, out: RawFrame[]): void {
    let start = 0;
    let newline = chunk.indexOf(LF);
    while (newline !== -1) {
      this.#completeFrame(chunk, start, newline, out);
      start = newline + 1;
      newline = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.#holdPartial(chunk, start);
  }

  /** Flushes an unterminated last frame at end of stream, as bytes. */
  endBytes(out: RawFrame[]): void {
    if (this.#oversizeHead !== undefined || this.#partBytes > 0) {
      this.#completeFrame(Buffer.alloc(0), 0, 0, out);
    }
  }

  #completeFrame(chunk: Buffer, start: number, end: number, out: RawFrame[]): void {
    if (this.#oversizeHead !== undefined) {
      this.#oversizeTail = lastBytes([this.#oversizeTail, chunk.subarray(start, end)]);
      out.push(this.#takeOversize(end - start));
      return;
    }
    const total = this.#partBytes + end - start;
    // More than one byte over cannot be excused by a trailing "\r": reject without copying.
    if (total > this.#max + 1) {
      this.#startDiscarding(chunk.subarray(start, end));
      out.push(this.#takeOversize(0));
      return;
    }
    let frame = chunk;
    if (this.#partBytes > 0) {
      this.#parts.push(chunk.subarray(start, end));
      frame = joinWithNewline(this.#parts, total);
      start = 0;
      end = total;
      this.#parts = [];
      this.#partBytes = 0;
    }
    const contentEnd = end > start && frame[end - 1] === CR ? end - 1 : end;
    if (contentEnd - start > this.#max) {
      this.#startDiscarding(frame.subarray(start, end));
      out.push(this.#takeOversize(0));
    } else if (contentEnd > start) {
      // A joined frame is ours to change: its "\r" (if any) becomes the "\n" that ends it.
      if (frame !== chunk) frame[contentEnd] = LF;
      const newlineFollows = frame[contentEnd] === LF;
      out.push({ kind: 'bytes', source: frame, start, end: contentEnd, newlineFollows });
    }
  }

  #holdPartial(chunk: Buffer, start: number): void {
    const length = chunk.length - start;
    if (this.#oversizeHead !== undefined) {
      this.#oversizeBytes += length;
      this.#oversizeTail = lastBytes([this.#oversizeTail, chunk.subarray(start)]);
      return;
    }
    this.#parts.push(chunk.subarray(start));
    this.#partBytes += length;
    // One byte of slack: the frame may still end in "\r\n", and "\r" is not content.
    if (this.#partBytes > this.#max + 1) this.#startDiscarding(Buffer.alloc(0));
  }

  /** Switches to skipping the current frame, keeping only its head; `tail` follows the held parts. */
  #startDiscarding(tail: Buffer): void {
    const pieces = [...this.#parts, tail];
    this.#oversizeBytes = this.#partBytes + tail.length;
    this.#oversizeHead = copyHead(pieces, OVERSIZE_HEAD_BYTES);
    this.#oversizeTail = lastBytes(pieces);
    this.#parts = [];
    this.#partBytes = 0;
  }

  #takeOversize(lastBytes: number): OversizeFrame {
    const bytes = this.#oversizeBytes + lastBytes;
    // StringDecoder drops a character cut in half at the end of the head.
    let head = new StringDecoder('utf8').write(this.#oversizeHead ?? Buffer.alloc(0));
    // A head that holds the whole frame may end with the "\r" of a CRLF, which is not content.
    if (bytes <= OVERSIZE_HEAD_BYTES && head.endsWith('\r')) head = head.slice(0, -1);
    let tail = this.#oversizeTail.toString('utf8');
    if (tail.endsWith('\r')) tail = tail.slice(0, -1);
    this.#oversizeHead = undefined;
    this.#oversizeTail = Buffer.alloc(0);
    this.#oversizeBytes = 0;
    return { kind: 'oversize', bytes, head, tail };
  }
}

/** One buffer of `pieces` and a trailing byte for a `\n`, so the frame can be written out whole. */
function joinWithNewline(pieces: readonly Buffer[], total: number): Buffer {
  const joined = Buffer.allocUnsafe(total + 1);
  let filled = 0;
  for (const piece of pieces) filled += piece.copy(joined, filled);
  joined[total] = LF;
  return joined;
}

function decodeInto(frames: readonly RawFrame[], out: Frame[]): void {
  for (const frame of frames) out.push(decodeFrame(frame));
}

/** The frame as text (UTF-8 decoded once); oversize frames as they are. */
export function decodeFrame(frame: RawFrame): Frame {
  return frame.kind === 'bytes'
    ? { kind: 'line', text: frame.source.toString('utf8', frame.start, frame.end) }
    : frame;
}

/** Copies the first `limit` bytes of `pieces`, so the large chunks they came from can be collected. */
function copyHead(pieces: readonly Buffer[], limit: number): Buffer {
  const head = Buffer.allocUnsafe(
    Math.min(
      limit,
      pieces.reduce((n, p) => n + p.length, 0),
    ),
  );
  let filled = 0;
  for (const piece of pieces) {
    if (filled === head.length) break;
    filled += piece.copy(head, filled, 0, Math.min(piece.length, head.length - filled));
  }
  return head;
}

/** A copy of the last OVERSIZE_TAIL_BYTES of `pieces`, so the chunks they came from can be collected. */
function lastBytes(pieces: readonly Buffer[]): Buffer {
  const total = pieces.reduce((n, p) => n + p.length, 0);
  const tail = Buffer.allocUnsafe(Math.min(OVERSIZE_TAIL_BYTES, total));
  let missing = tail.length;
  for (let i = pieces.length - 1; i >= 0 && missing > 0; i--) {
    const piece = pieces[i] ?? Buffer.alloc(0);
    const take = Math.min(missing, piece.length);
    piece.copy(tail, missing - take, piece.length - take);
    missing -= take;
  }
  return tail;
}

function assertPositiveInteger(raw: number): void {
  if (!Number.isSafeInteger(raw) || raw <= 0) {
    throw new RangeError(
      `Expected \`maxFrameBytes\` to be a positive integer, got \`${String(raw)}\`.`,
    );
  }
}
