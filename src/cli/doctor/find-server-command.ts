import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { check, type DoctorCheck } from './doctor-check.js';

const ID = 'command';

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function executableNames(
  command: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  if (process.platform !== 'win32') return [command];
  const extensions = (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';');
  return [command, ...extensions.map((extension) => command + extension.toLowerCase())];
}

/**
 * The server command can be started: a path (it has a separator) names an executable file,
 * relative to the working directory; a bare name is found on the child's PATH.
 */
export function checkServerCommand(
  command: string,
  pathVariable: string | undefined,
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): DoctorCheck {
  if (command.includes('/') || (process.platform === 'win32' && command.includes('\\'))) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    let stats;
    try {
      stats = statSync(path);
    } catch {
      return check(ID, 'fail', `The server command \`${command}\` does not exist (\`${path}\`).`, {
        fix: 'Correct the path after `--`, or install the server.',
      });
    }
    if (!stats.isFile())
      return check(ID, 'fail', `The server command \`${path}\` is not a file.`, {
        fix: 'Name the server program after `--`.',
      });
    if (!isExecutableFile(path))
      return check(ID, 'fail', `The server command \`${path}\` is not executable.`, {
        fix: `Run \`chmod +x ${path}\`, or start it through its interpreter (e.g. \`node ${path}\`).`,
      });
    return check(ID, 'ok', `\`${path}\` is an executable file.`, { details: { path } });
  }
  const dirs = (pathVariable ?? '').split(delimiter).filter((dir) => dir !== '');
  for (const dir of dirs) {
    for (const name of executableNames(command, env)) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate))
        return check(ID, 'ok', `\`${command}\` is \`${candidate}\`.`, {
          details: { path: candidate },
        });
    }
  }
  return check(
    ID,
    'fail',
    `The server command \`${command}\` is not on the server's PATH (${dirs.length} directories searched).`,
    { fix: `Install \`${command}\`, or give its absolute path after \`--\`.` },
  );
}
