import { dirname } from 'node:path';
import { statOrUndefined, writeProblem } from './check-audit-log.js';
import { check, type DoctorCheck } from './doctor-check.js';

const ID = 'log-file';

/**
 * `--log-file`: the shim appends its log there and does not create directories for it, so its
 * directory must exist and be writable, and an existing file must be a writable regular file.
 */
export function checkLogFile(path: string): DoctorCheck {
  const dir = dirname(path);
  const dirStats = statOrUndefined(dir);
  if (dirStats?.isDirectory() !== true)
    return check(ID, 'fail', `\`${path}\`: \`${dir}\` is not an existing directory.`, {
      fix: `Create \`${dir}\`, or choose a \`--log-file\` path in an existing directory.`,
    });
  const problem = writeProblem(ID, '--log-file', path, dir);
  if (problem !== undefined) return problem;
  const fileStats = statOrUndefined(path);
  const state = fileStats === undefined ? 'will be created' : `exists (${fileStats.size} bytes)`;
  return check(ID, 'ok', `\`${path}\`: the directory is writable; the file ${state}.`);
}
