import { statSync } from 'node:fs';
import type { JsonObject } from '../../core/json-rpc.js';
import type { ToolPin } from '../../core/policy-input.js';
import {
  emptyPinFile,
  readPinFile,
  writePinFile,
  type PendingTool,
  type PinFile,
  type PinnedTool,
} from './pin-file.js';
import { changedParts, digestTool, type ToolDigest } from './tool-digest.js';

/** One listed tool checked against its pin. */
export interface PinCheck {
  readonly name: string;
  readonly pin: ToolPin;
  /** True when this check changed what the pin file holds (first pin, or a definition not seen before). */
  readonly noted: boolean;
}

/**
 * One server's pins for a shim run: the pin file, read at start (a missing file means the first
 * listing pins every tool it advertises, trust on first use), re-read when another process
 * (`pins accept`) changed it, and written back, merged, when a listing noted something.
 */
export class PinBook {
  private tools: Record<string, PinnedTool>;
  private pending: Record<string, PendingTool>;
  /** No pin file existed: the tools of the first complete listing are pinned as they are. */
  private firstListing: boolean;
  private readonly changedNames = new Set<string>();
  private readonly settledNames = new Set<string>();
  private stamp: string | undefined;

  /**
   * `scrubJson`: the user's secret values replaced by the markers the audit log uses, in the
   * definitions the file keeps (SecretSet.scrubJson; see `scrubbed`).
   */
  constructor(
    readonly file: string,
    readonly serverId: string,
    private readonly now: () => string = () => new Date().toISOString(),
    private readonly scrubJson: (text: string) => string = (text) => text,
  ) {
    const stored = readPinFile(file);
    this.firstListing = stored === undefined;
    const pins = stored ?? emptyPinFile(serverId);
    this.tools = { ...pins.tools };
    this.pending = { ...pins.pending };
    this.stamp = fileStamp(file);
  }

  /** Checks one listed tool; undefined when it has no name. */
  check(tool: JsonObject): PinCheck | undefined {
    const seen = digestTool(tool);
    if (seen === undefined) return undefined;
    const { name } = seen;
    const pinned = this.tools[name];
    if (pinned === undefined) {
      if (this.firstListing) {
        this.tools[name] = { ...seen, pinned_at: this.now() };
        this.changedNames.add(name);
        return { name, pin: { status: 'pinned' }, noted: true };
      }
      return { name, pin: { status: 'new' }, noted: this.notePending(seen) };
    }
    const changed = changedParts(pinned, seen);
    if (changed.length === 0) {
      if (this.pending[name] !== undefined) {
        // Changed back to its pin: nothing is left to accept.
        this.pending = withoutKeys(this.pending, new Set([name]));
        this.settledNames.add(name);
        this.changedNames.delete(name);
      }
      return { name, pin: { status: 'pinned' }, noted: false };
    }
    return { name, pin: { status: 'changed', changed }, noted: this.notePending(seen) };
  }

  /** True when the file pins this tool or holds a definition of it awaiting acceptance. */
  knows(name: string): boolean {
    return this.tools[name] !== undefined || this.pending[name] !== undefined;
  }

  /** A listing (its last page) is complete: tools it did not pin are new from now on. */
  listingComplete(): void {
    this.firstListing = false;
  }

  /** True when the pin file must be written (see save). */
  get dirty(): boolean {
    return this.changedNames.size > 0 || this.settledNames.size > 0;
  }

  /**
   * Writes what this run noted, merged into the file as it is now (another run or `pins accept`
   * may have written it since). Throws when the file cannot be written or has become corrupt.
   */
  save(): void {
    if (!this.dirty) return;
    const current = readPinFile(this.file) ?? emptyPinFile(this.serverId);
    const tools = { ...current.tools };
    const pending = { ...current.pending };
    for (const name of this.changedNames) {
      const pinnedHere = this.tools[name];
      const pendingHere = this.pending[name];
      if (pendingHere !== undefined) pending[name] = pendingHere;
      // A tool pinned by this run's first listing; a pin already on disk wins.
      else if (pinnedHere !== undefined && tools[name] === undefined) tools[name] = pinnedHere;
    }
    const merged: PinFile = {
      ...current,
      tools: this.scrubbed(tools),
      pending: this.scrubbed(withoutKeys(pending, this.settledNames)),
    };
    writePinFile(this.file, merged);
    this.adopt(merged);
    this.changedNames.clear();
    this.settledNames.clear();
  }

  /**
   * Re-reads the file when another process changed it (`pins accept` during a session): an
   * accepted definition counts from the next listing. Throws when it has become corrupt.
   */
  reloadIfChanged(): void {
    const stamp = fileStamp(this.file);
    if (stamp === this.stamp || stamp === undefined) return;
    const stored = readPinFile(this.file);
    if (stored === undefined) return;
    this.adopt(stored);
    this.firstListing = false;
  }

  /**
   * The entries with the user's secret values in their definitions replaced by `[redacted:NAME]`,
   * entries written by an older shim included: a server that puts a secret in a description must
   * not have it kept in plain text. The digests stay those of the definition as listed: a
   * definition is judged by digest only, so a secret set that changes between runs (a rotated
   * token) moves no digest, and a definition that differs only where a secret was (even one that
   * now spells the marker itself) is still a change. The definition is only what `pins diff` shows.
   */
  private scrubbed<T extends ToolDigest>(entries: Record<string, T>): Record<string, T> {
    const result: Record<string, T> = {};
    for (const [name, entry] of Object.entries(entries)) {
      const text = JSON.stringify(entry.definition);
      const cleared = this.scrubJson(text);
      result[name] =
        cleared === text ? entry : { ...entry, definition: JSON.parse(cleared) as T['definition'] };
    }
    return result;
  }

  private adopt(pins: PinFile): void {
    this.tools = { ...pins.tools };
    const pending = { ...pins.pending };
    // What this run noted and has not written yet stays.
    for (const name of this.changedNames) {
      const here = this.pending[name];
      if (here !== undefined) pending[name] = here;
    }
    this.pending = pending;
    this.stamp = fileStamp(this.file);
  }

  /** Records a definition awaiting acceptance; true when it was not the one already recorded. */
  private notePending(seen: ToolDigest): boolean {
    const before = this.pending[seen.name];
    if (before?.sha256 === seen.sha256) return false;
    this.pending[seen.name] = { ...seen, seen_at: this.now() };
    this.changedNames.add(seen.name);
    this.settledNames.delete(seen.name);
    return true;
  }
}

function withoutKeys<T>(record: Record<string, T>, keys: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));
}

/** Size and modification time: enough to notice another writer's rename. */
function fileStamp(file: string): string | undefined {
  try {
    const stat = statSync(file);
    return `${String(stat.mtimeMs)}:${String(stat.size)}:${String(stat.ino)}`;
  } catch {
    return undefined;
  }
}
