import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { PIN_PARTS, type ToolDigest } from './tool-digest.js';

export const PIN_FILE_FORMAT = 1;

export interface PinnedTool extends ToolDigest {
  /** ISO 8601: when this definition was pinned (first listing or `pins accept`). */
  readonly pinned_at: string;
}

export interface PendingTool extends ToolDigest {
  /** ISO 8601: when the shim last saw this definition, which differs from the pin or has none. */
  readonly seen_at: string;
}

/** One server's pins, as stored in its pin file. */
export interface PinFile {
  readonly format: typeof PIN_FILE_FORMAT;
  readonly server_id: string;
  readonly tools: Readonly<Record<string, PinnedTool>>;
  /** Definitions seen but not pinned: new tools and changed ones, for `pins diff` and `accept`. */
  readonly pending: Readonly<Record<string, PendingTool>>;
}

export function emptyPinFile(serverId: string): PinFile {
  return { format: PIN_FILE_FORMAT, server_id: serverId, tools: {}, pending: {} };
}

/**
 * The pin file, or undefined when it does not exist. Throws, naming the file and the fix, when it
 * cannot be read or is not a pin file: a corrupt file must not silently re-pin every tool.
 */
export function readPinFile(file: string): PinFile | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(
      `Cannot read the pin file \`${file}\`: ${(error as Error).message}. Fix its permissions, or choose another file with \`--pins\`.`,
      { cause: error },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(file, `not JSON (${(error as Error).message})`);
  }
  const problem = pinFileProblem(parsed);
  if (problem !== undefined) throw corrupt(file, problem);
  return parsed as PinFile;
}

function corrupt(file: string, problem: string): Error {
  return new Error(
    `The pin file \`${file}\` is corrupt: ${problem}. Restore it, or remove it to pin the server's tools anew at its next listing.`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pinFileProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'expected a JSON object';
  if (value.format !== PIN_FILE_FORMAT)
    return `expected \`format\` ${String(PIN_FILE_FORMAT)}, got ${JSON.stringify(value.format)}`;
  if (typeof value.server_id !== 'string') return 'expected a string `server_id`';
  for (const [section, stamp] of [
    ['tools', 'pinned_at'],
    ['pending', 'seen_at'],
  ] as const) {
    const entries = value[section];
    if (!isRecord(entries)) return `expected \`${section}\` to be an object`;
    for (const [name, entry] of Object.entries(entries)) {
      const problem = entryProblem(name, entry, stamp);
      if (problem !== undefined) return `\`${section}.${name}\` ${problem}`;
    }
  }
  return undefined;
}

function entryProblem(name: string, entry: unknown, stamp: string): string | undefined {
  if (!isRecord(entry)) return 'is not an object';
  if (entry.name !== name) return 'has another `name`';
  if (typeof entry.sha256 !== 'string') return 'has no `sha256`';
  if (typeof entry[stamp] !== 'string') return `has no \`${stamp}\``;
  const { parts, definition } = entry;
  if (!isRecord(parts) || !isRecord(definition)) return 'has no `parts` or `definition` object';
  for (const part of PIN_PARTS) {
    if (typeof parts[part] !== 'string') return `has no digest for \`${part}\``;
  }
  return undefined;
}

/**
 * Writes the whole file atomically (a temporary file in the same directory, flushed, renamed over
 * it): a crash or a concurrent reader never sees half a file. Its directory is created (0700).
 */
export function writePinFile(file: string, pins: PinFile): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(pins, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
