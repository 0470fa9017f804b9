import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  copyFileSync,
  fsyncSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The file changed on disk between our read and our write (a client saved it meanwhile). */
export class ConfigChangedError extends Error {}

/**
 * Replaces a client config file with `text`, atomically: a backup copy first
 * (`<file>.<UTC time, ms>.mcp-opa-shim.bak`, same mode), then a temporary file in the same
 * directory with the same mode (and owner, when we may set it), flushed and renamed over the
 * original. A symlinked config is written through to its target, so the link stays. Refuses
 * (ConfigChangedError) when the file no longer holds `expected`, the text the edits came from.
 * Returns the backup's path.
 */
export function writeConfigFile(path: string, expected: string, text: string, now: Date): string {
  const target = realpathSync(path);
  const stat = statSync(target);
  const mode = stat.mode & 0o7777;
  const backup = backupPath(target, now);
  copyFileSync(target, backup, constants.COPYFILE_EXCL);
  chmodSync(backup, mode);
  if (readFileSync(backup, 'utf8') !== expected) {
    unlinkSync(backup);
    throw new ConfigChangedError(path);
  }
  const temporary = join(
    dirname(target),
    `.${basename(target)}.${String(process.pid)}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temporary, mode);
    try {
      chownSync(temporary, stat.uid, stat.gid);
    } catch {
      // Only root may give a file away; a file we own stays ours either way.
    }
    renameSync(temporary, target);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // Already renamed or never created.
    }
    throw error;
  }
  return backup;
}

function backupPath(target: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '');
  return `${target}.${stamp}.mcp-opa-shim.bak`;
}
