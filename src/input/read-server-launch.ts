import os from 'node:os';
import path from 'node:path';
import { tokenizeShellCommand } from './tokenize-shell-command.js';

/**
 * What the shim can read of the wrapped server's command line: every word the
 * server (or a launcher in front of it) receives, or why it cannot tell.
 * Words only ever add places a relative path may be read against, so reading
 * too many is safe; missing one is an escape. Anything that could hide a
 * directory or move the working directory makes the launch unreadable.
 */
export type ServerLaunch =
  | { readonly readable: true; readonly words: readonly string[] }
  | { readonly readable: false; readonly reason: string };

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'yash', 'fish']);

/** Programs that run the server as another user, in another filesystem view, or remotely. */
const OPAQUE_WRAPPERS = new Set([
  'docker',
  'podman',
  'nerdctl',
  'kubectl',
  'ssh',
  'sudo',
  'su',
  'doas',
  'runuser',
  'chroot',
  'nsenter',
  'unshare',
  'bwrap',
  'firejail',
  'flatpak',
  'systemd-run',
  'wsl',
  'busybox',
  'cmd',
  'pwsh',
  'powershell',
  'xargs',
  'eval',
  'source',
  '.',
  'cd',
  'pushd',
  'popd',
]);

/** Options that run inline code or a command string the shim does not parse. */
const INLINE_CODE = new Set(['-c', '-e', '--eval', '--call', '--print', '-S', '--split-string']);

/** `env -i`, `env -`, `env -u NAME`, `--ignore-environment`, `--unset`: HOME may be gone. */
const CLEARS_ENVIRONMENT = /^(-|-[0v]*[iu].*|--ignore-environment|--unset(=.*)?)$/;

/** Runtimes whose `-p` evaluates code (for npx, `-p` names a package). */
const EVALUATES_PRINT = new Set(['node', 'nodejs', 'bun']);

/** Options that move the working directory (env -C, npm --prefix, uv --directory, pnpm --dir…). */
const CHANGES_DIRECTORY = /^(-C.*|--chdir|--cwd|--directory|--dir|--prefix|--workdir|--cd)(=.*)?$/;

/** A script file: the shim cannot see what it runs or where. */
const SCRIPT_FILE = /\.(sh|bash|zsh|ksh|fish|command|bat|cmd|ps1)$/i;

/** Variables that change what a shell runs first, or what `~` means to the server. */
const STARTUP_VARIABLES = new Set(['HOME', 'BASH_ENV', 'ENV', 'ZDOTDIR', 'PROMPT_COMMAND']);

const MAX_NESTING = 8;

/**
 * Reads `[command, ...args]`, looking inside `sh -c` strings (and `-lc`, `-ic`…);
 * launchers that pass their arguments on unchanged (npx, npm exec, pnpm dlx, uvx,
 * env, node, python -m) need no special reading, only the refusals below.
 * `childEnvNames` are the variables the server is started with: a shell started
 * with `BASH_ENV` or `ENV` runs a file first.
 */
export function readServerLaunch(
  command: string,
  args: readonly string[],
  childEnvNames: readonly string[] = [],
  home: string | undefined = os.homedir(),
): ServerLaunch {
  const words: string[] = [];
  const reason = readWords([command, ...args], words, { childEnvNames, home }, 0);
  return reason === undefined ? { readable: true, words } : { readable: false, reason };
}

interface Surroundings {
  readonly childEnvNames: readonly string[];
  /** The server's home directory (what `~` means to its shell), when known. */
  readonly home: string | undefined;
}

function readWords(
  argv: readonly string[],
  words: string[],
  around: Surroundings,
  depth: number,
): string | undefined {
  if (depth > MAX_NESTING) return 'shells nested too deeply';
  let envOptions = false;
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index] ?? '';
    const name = programName(word);
    if (envOptions && CLEARS_ENVIRONMENT.test(word))
      return `\`env ${word}\` clears or unsets the server's environment, so its home is not known`;
    envOptions = name === 'env' || (envOptions && /^-|^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    if (SHELLS.has(name)) {
      const startup = around.childEnvNames.find((env) => env === 'BASH_ENV' || env === 'ENV');
      if (startup !== undefined) return `\`${word}\` runs the file named by ${startup} first`;
      return readShell(word, argv.slice(index + 1), words, around, depth);
    }
    const refusal = refuseWord(word, name);
    if (refusal !== undefined) return refusal;
    if (word === '-p' && EVALUATES_PRINT.has(programName(argv[index - 1] ?? '')))
      return `\`${argv[index - 1] ?? ''} -p\` runs inline code`;
    words.push(word);
  }
  return undefined;
}

function refuseWord(word: string, name: string): string | undefined {
  if (OPAQUE_WRAPPERS.has(name))
    return `\`${word}\` changes the user, directory or filesystem view of the server`;
  if (INLINE_CODE.has(word)) return `\`${word}\` runs inline code or a command string`;
  if (CHANGES_DIRECTORY.test(word)) return `\`${word}\` changes the working directory`;
  if (SCRIPT_FILE.test(word)) return `\`${word}\` is a script the shim cannot read`;
  const assigned = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(word)?.[1];
  if (assigned !== undefined && STARTUP_VARIABLES.has(assigned))
    return `\`${word}\` changes the home directory or shell startup`;
  return undefined;
}

/** `sh [options] -c 'string' [$0 args…]`; any other form reads a script or stdin. */
function readShell(
  shell: string,
  rest: readonly string[],
  words: string[],
  around: Surroundings,
  depth: number,
): string | undefined {
  let commandString = false;
  let index = 0;
  for (; index < rest.length; index++) {
    const option = rest[index] ?? '';
    if (option === '--' || option === '-') {
      index++;
      break;
    }
    if (!/^[-+]/.test(option)) break;
    if (/^-[a-z]*c[a-z]*$/i.test(option)) commandString = true;
    else if (option === '-o' || option === '+o' || option === '-O' || option === '+O') index++;
    else if (!/^[-+][a-z]+$/i.test(option) && !/^--(login|noprofile|norc|posix)$/.test(option))
      return `\`${shell} ${option}\` is a shell option the shim does not read`;
  }
  if (!commandString) return `\`${shell}\` without \`-c\` runs a script the shim cannot read`;
  const script = rest[index];
  if (script === undefined) return `\`${shell} -c\` has no command string`;
  const tokens = tokenizeShellCommand(script, around.home);
  if (!tokens.ok) return `\`${shell} -c\` string: ${tokens.reason}`;
  const body = tokens.words[0] === 'exec' ? tokens.words.slice(1) : tokens.words;
  if (body[0]?.startsWith('-') === true) return '`exec` with options';
  // The words after the string become $0, $1…; the string cannot use them (no `$`), but count them.
  return readWords([...body, ...rest.slice(index + 1)], words, around, depth + 1);
}

function programName(word: string): string {
  return path
    .basename(word)
    .replace(/\.exe$/i, '')
    .toLowerCase();
}
