import { accessSync, constants, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { check, type DoctorCheck } from './doctor-check.js';

const ID = 'audit-log';

export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** The errno code when the current user cannot write (and enter) `path`, else undefined. */
export function notWritable(
  path: string,
  mode = constants.W_OK | constants.X_OK,
): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'unwritable';
  }
}

/**
 * `--audit-log`: its directory exists and is writable, or can be created (the shim creates a
 * missing one, mode 0700); an existing file is a writable regular file; no running shim holds it.
 */
export function checkAuditLog(path: string | undefined): DoctorCheck {
  if (path === undefined)
    return check(ID, 'skip', 'no `--audit-log`: decisions are not recorded to a file.');
  const dir = dirname(path);
  const dirStats = statOrUndefined(dir);
  if (dirStats === undefined) return missingDirectory(path, dir);
  if (!dirStats.isDirectory())
    return check(ID, 'fail', `\`${path}\`: \`${dir}\` is not a directory.`, {
      fix: 'Choose an `--audit-log` path in a directory.',
    });
  const problem = writeProblem(ID, '--audit-log', path, dir);
  if (problem !== undefined) return problem;
  const fileStats = statOrUndefined(path);
  const owner = lockOwner(`${path}.lock`);
  if (owner !== undefined)
    return check(
      ID,
      'warn',
      `\`${path}\` is being written by a running process (pid ${owner}, from \`${path}.lock\`); a second shim on this file refuses to start.`,
      {
        fix: 'Fine if that is this server in a running client; otherwise give each wrapped server its own `--audit-log` file.',
      },
    );
  const state = fileStats === undefined ? 'will be created' : `exists (${fileStats.size} bytes)`;
  return check(ID, 'ok', `\`${path}\`: the directory is writable; the file ${state}.`);
}

function missingDirectory(path: string, dir: string): DoctorCheck {
  let ancestor = dirname(dir);
  let stats = statOrUndefined(ancestor);
  while (stats === undefined && dirname(ancestor) !== ancestor) {
    ancestor = dirname(ancestor);
    stats = statOrUndefined(ancestor);
  }
  const cannot = `\`${path}\`: its directory \`${dir}\` does not exist and cannot be created`;
  if (stats?.isDirectory() !== true)
    return check(ID, 'fail', `${cannot}: \`${ancestor}\` is not a directory.`, {
      fix: `Choose an \`--audit-log\` path under a directory, or move \`${ancestor}\` aside.`,
    });
  const code = notWritable(ancestor);
  if (code !== undefined)
    return check(ID, 'fail', `${cannot}: \`${ancestor}\` is not writable (${code}).`, {
      fix: `Create \`${dir}\` with write access for this user, or choose another \`--audit-log\` path.`,
    });
  return check(
    ID,
    'ok',
    `\`${path}\`: its directory \`${dir}\` does not exist; it will be created (mode 0700) under \`${ancestor}\`.`,
  );
}

/**
 * Why this user cannot write `path` in its existing directory `dir` (the directory, or an
 * existing file that is not a writable regular file), as a failed check; undefined when it can.
 */
export function writeProblem(
  id: string,
  option: string,
  path: string,
  dir: string,
): DoctorCheck | undefined {
  const dirCode = notWritable(dir);
  if (dirCode !== undefined)
    return check(
      id,
      'fail',
      `\`${path}\`: the directory \`${dir}\` is not writable (${dirCode}).`,
      {
        fix: `Give this user write access to \`${dir}\`, or choose another \`${option}\` path.`,
      },
    );
  const fileStats = statOrUndefined(path);
  if (fileStats !== undefined && !fileStats.isFile())
    return check(id, 'fail', `\`${path}\` exists and is not a regular file.`, {
      fix: `Name a file for \`${option}\`.`,
    });
  const fileCode = fileStats === undefined ? undefined : notWritable(path, constants.W_OK);
  if (fileCode !== undefined)
    return check(id, 'fail', `\`${path}\` is not writable (${fileCode}).`, {
      fix: `Give this user write access to \`${path}\`, or choose another \`${option}\` path.`,
    });
  return undefined;
}

/** The pid in an audit-log lock file, when that process is still running. */
function lockOwner(lockPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockPath, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}
