import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { UploaderCounters } from '../decision-logs/log-uploader.js';
import type { BundleStatus } from './bundle-status.js';

/**
 * What a running shim started with `--config` tells `mcp-opa-shim status`: one small JSON file
 * per process, `<state dir>/status/<config key>/<pid>.json`, replaced atomically (write a
 * temporary file, rename) on start, after every bundle poll and upload, and at exit. The state
 * dir is `$XDG_STATE_HOME/mcp-opa-shim`, else `~/.local/state/mcp-opa-shim`; the config key is
 * the first 16 hex digits of the sha256 of the config file's absolute path, so every shim
 * started with one config (one per wrapped server) is found from that config.
 */
export const STATE_FORMAT = 1;

export interface ShimState {
  readonly format: typeof STATE_FORMAT;
  readonly pid: number;
  readonly config: string;
  readonly server_id: string;
  readonly started_at: string;
  readonly updated_at: string;
  /** Set by the last write, at exit. */
  readonly exited_at?: string;
  readonly bundles: Readonly<Record<string, BundleStatus>>;
  readonly decision_logs?: {
    readonly target: string;
    readonly backlog: number;
    readonly backlog_bytes: number;
    readonly uploaded_events: number;
    readonly dropped_buffer_full: number;
    readonly dropped_too_large: number;
    readonly failed_uploads: number;
    readonly last_upload?: string;
    readonly last_error?: string;
  };
}

export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg !== undefined && xdg !== ''
    ? join(xdg, 'mcp-opa-shim')
    : join(homedir(), '.local', 'state', 'mcp-opa-shim');
}

export function stateFolder(stateDir: string, configPath: string): string {
  let path = resolve(configPath);
  try {
    path = realpathSync(path);
  } catch {
    // A config that is gone: its absolute path still names the shims that used it.
  }
  const key = createHash('sha256').update(path).digest('hex').slice(0, 16);
  return join(stateDir, 'status', key);
}

export function writeShimState(
  folder: string,
  state: ShimState,
  scrub: (json: string) => string = (json) => json,
): void {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = join(folder, `${String(state.pid)}.json`);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${scrub(JSON.stringify(state, null, 2))}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export interface FoundState {
  readonly state: ShimState;
  /** The process is gone without writing `exited_at` (a crash), or wrote it. */
  readonly running: boolean;
}

/** Every state file for one config, newest first; unreadable files are skipped. */
export function readShimStates(folder: string): FoundState[] {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => /^\d+\.json$/.test(name));
  } catch {
    return [];
  }
  const found: FoundState[] = [];
  for (const name of names) {
    try {
      const parsed = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { format?: unknown };
      if (parsed.format !== STATE_FORMAT) continue;
      const state = parsed as ShimState;
      found.push({ state, running: state.exited_at === undefined && isAlive(state.pid) });
    } catch {
      // A file being replaced, or not ours: the next run of `status` will see it.
    }
  }
  return found.sort((a, b) => b.state.updated_at.localeCompare(a.state.updated_at));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function decisionLogState(
  target: string,
  counters: UploaderCounters,
): NonNullable<ShimState['decision_logs']> {
  return {
    target,
    backlog: counters.backlog,
    backlog_bytes: counters.backlogBytes,
    uploaded_events: counters.uploadedEvents,
    dropped_buffer_full: counters.droppedBufferFull,
    dropped_too_large: counters.droppedTooLarge,
    failed_uploads: counters.failedUploads,
    ...(counters.lastUpload === undefined ? {} : { last_upload: counters.lastUpload }),
    ...(counters.lastError === undefined ? {} : { last_error: counters.lastError.message }),
  };
}
