import { statSync } from 'node:fs';

/** Where progress goes: stderr, and only when it is a terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** At most this often, so a fast scan does not spend its time redrawing. */
const REDRAW_MS = 200;

/**
 * A one-line progress meter for the long offline commands (`audit verify|summary|replay|roots`
 * on large logs): percent and bytes read, redrawn in place on stderr. Nothing is written unless
 * stderr is a terminal, so pipes, files and `--json` consumers never see it.
 */
export class Progress {
  private lastDraw = 0;
  private drawn = false;

  private constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
    private readonly totalBytes: number,
    private readonly now: () => number,
  ) {}

  /** A meter for reading `files`, or undefined when `stream` is not a terminal. */
  static forFiles(
    stream: ProgressStream,
    label: string,
    files: readonly string[],
    now: () => number = Date.now,
  ): Progress | undefined {
    if (stream.isTTY !== true) return undefined;
    const total = files.reduce((sum, file) => sum + sizeOf(file), 0);
    return new Progress(stream, label, total, now);
  }

  /** `bytesRead`: of all the files together, so far. */
  update(bytesRead: number): void {
    const time = this.now();
    if (time - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = time;
    const percent = this.totalBytes === 0 ? 100 : Math.floor((bytesRead / this.totalBytes) * 100);
    this.stream.write(
      `\r\x1b[K${this.label}: ${Math.min(percent, 100)}% (${formatBytes(bytesRead)} of ${formatBytes(this.totalBytes)})`,
    );
    this.drawn = true;
  }

  /** Clears the meter's line, so that what follows starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}

/** Adds the sizes of the files before the current one to its bytes read. */
export function acrossFiles(
  files: readonly string[],
  onProgress: ((bytesRead: number) => void) | undefined,
): ((fileIndex: number, bytesRead: number) => void) | undefined {
  if (onProgress === undefined) return undefined;
  const before = files.map((_, i) => files.slice(0, i).reduce((sum, f) => sum + sizeOf(f), 0));
  return (fileIndex, bytesRead) => {
    onProgress((before[fileIndex] ?? 0) + bytesRead);
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit] ?? 'TiB'}`;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
