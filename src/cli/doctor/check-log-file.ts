import { constants } from 'node:fs';
import { dirname } from 'node:path';
import { notWritable, statOrUndefined } from './check-audit-log.js';
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
  const dirCode = notWritable(dir);
  if (dirCode !== undefined)
    return check(
      ID,
      'fail',
      `\`${path}\`: the directory \`${dir}\` is not writable (${dirCode}).`,
      {
        fix: `Give this user write access to \`${dir}\`, or choose another \`--log-file\` path.`,
      },
    );
  const fileStats = statOrUndefined(path);
  if (fileStats !== undefined && !fileStats.isFile())
    return check(ID, 'fail', `\`${path}\` exists and is not a regular file.`, {
      fix: 'Name a file for `--log-file`.',
    });
  const fileCode = fileStats === undefined ? undefined : notWritable(path, constants.W_OK);
  if (fileCode !== undefined)
    return check(ID, 'fail', `\`${path}\` is not writable (${fileCode}).`, {
      fix: `Give this user write access to \`${path}\`, or choose another \`--log-file\` path.`,
    });
  const state = fileStats === undefined ? 'will be created' : `exists (${fileStats.size} bytes)`;
  return check(ID, 'ok', `\`${path}\`: the directory is writable; the file ${state}.`);
}
