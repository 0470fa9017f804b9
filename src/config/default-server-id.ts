import { basename, dirname } from 'node:path';

/**
 * A server id derived from the command line when `--server-id` is not given: the package or
 * script behind a launcher, else the command's own name.
 *   npx -y @modelcontextprotocol/server-filesystem /tmp  → server-filesystem
 *   uvx mcp-server-fetch                                 → mcp-server-fetch
 *   python -m mcp_server_time                            → mcp_server_time
 *   node /srv/github/dist/index.js                       → github
 *   docker run -i --rm mcp/fetch                         → fetch
 */
export function defaultServerId(command: string, args: readonly string[]): string {
  const derived = deriveFrom(command, args, 0);
  return derived.trim() === '' ? 'server' : derived;
}

/** Flags of each launcher that consume the next argument (so it is not taken for the target). */
// prettier-ignore
const PACKAGE_RUNNERS: Readonly<Record<string, readonly string[]>> = {
  npx: ['-p', '--package', '-c', '--call', '--registry', '--cache', '--userconfig'],
  pnpx: ['-p', '--package', '-c'],
  bunx: ['-p', '--package'],
  uvx: ['--from', '--with', '--with-editable', '--with-requirements', '--python', '-p', '--index', '--index-url', '--extra-index-url', '--directory'],
};
/** `<launcher> <subcommand…> <package>`. */
const RUNNER_SUBCOMMANDS: Readonly<Record<string, readonly string[]>> = {
  npm: ['exec', 'x'],
  pnpm: ['dlx', 'exec'],
  yarn: ['dlx', 'exec'],
  bun: ['x'],
  pipx: ['run'],
  uv: ['tool', 'run'],
};
// prettier-ignore
const INTERPRETER_VALUE_FLAGS: readonly string[] = [
  '-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '-C', '--conditions',
  '--title', '--input-type', '-W', '-X', '--config', '--directory', '--project', '--with', '--python',
];
const INLINE_CODE_FLAGS: readonly string[] = ['-e', '--eval', '-p', '--print', '-c'];
const INTERPRETERS = /^(node|nodejs|bun|deno|tsx|ts-node|python(\d+(\.\d+)*)?|py|ruby|perl|php)$/;
// prettier-ignore
const CONTAINER_VALUE_FLAGS: readonly string[] = [
  '-e', '--env', '--env-file', '-v', '--volume', '--mount', '--name', '-p', '--publish', '--network',
  '--net', '-w', '--workdir', '-u', '--user', '-l', '--label', '--entrypoint', '--platform', '-m',
  '--memory', '--cpus', '--add-host', '-h', '--hostname', '--pull', '--user-ns', '--userns',
];

function deriveFrom(command: string, args: readonly string[], depth: number): string {
  const program = programName(command);
  const runnerFlags = PACKAGE_RUNNERS[program];
  if (runnerFlags !== undefined) return packageName(firstPositional(args, runnerFlags)) ?? program;
  const subcommands = RUNNER_SUBCOMMANDS[program];
  const verbAt = positionalIndex(args, INTERPRETER_VALUE_FLAGS); // skips `uv --directory <dir>`
  if (subcommands?.includes(args[verbAt] ?? '') === true) {
    const rest = args.slice(verbAt + (args[verbAt + 1] === 'run' ? 2 : 1));
    const target = firstPositional(rest, PACKAGE_RUNNERS.uvx ?? []);
    return (target?.endsWith('.py') === true ? scriptName(target) : packageName(target)) ?? program;
  }
  if ((program === 'docker' || program === 'podman') && args[0] === 'run') {
    return packageName(firstPositional(args.slice(1), CONTAINER_VALUE_FLAGS)) ?? program;
  }
  if (program === 'cmd' && /^\/c$/i.test(args[0] ?? '') && args[1] !== undefined && depth < 3) {
    return deriveFrom(args[1], args.slice(2), depth + 1);
  }
  if (INTERPRETERS.test(program)) {
    const moduleIndex = args.indexOf('-m');
    const scriptIndex = args.findIndex((a) => !a.startsWith('-'));
    if (moduleIndex !== -1 && (scriptIndex === -1 || moduleIndex < scriptIndex)) {
      return args[moduleIndex + 1] ?? program;
    }
    const scriptArgs = args[0] === 'run' ? args.slice(1) : args;
    const at = positionalIndex(scriptArgs, INTERPRETER_VALUE_FLAGS);
    const script = scriptArgs[at];
    // `node -e <code>` / `python -c <code>` run no script file: the interpreter is all we know.
    if (
      script === undefined ||
      scriptArgs.slice(0, at).some((a) => INLINE_CODE_FLAGS.includes(a))
    ) {
      return program;
    }
    return /^(npm|jsr):/.test(script) ? (packageName(script) ?? program) : scriptName(script);
  }
  return program;
}

/** `C:\bin\npx.cmd` → `npx`. Both separators, since client configs come from any OS. */
function programName(command: string): string {
  const last = command.split(/[\\/]/).pop() ?? command;
  return last.replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase();
}

function firstPositional(
  args: readonly string[],
  valueFlags: readonly string[],
): string | undefined {
  return args[positionalIndex(args, valueFlags)];
}

/** Index of the first argument that is neither a flag nor a flag's value (args.length if none). */
function positionalIndex(args: readonly string[], valueFlags: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') return i + 1;
    if (!arg.startsWith('-')) return i;
    if (!arg.includes('=') && valueFlags.includes(arg)) i++;
  }
  return args.length;
}

/** `@scope/name@1.2.3` → `name`; `git+https://host/o/repo.git` → `repo`; `pkg[extra]==1.0` → `pkg`. */
function packageName(spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  let name = spec.replace(/^(npm|jsr):/, '');
  if (name.includes('://') || name.startsWith('git+')) {
    name = (
      name
        .replace(/[#@][^/]*$/, '')
        .split('/')
        .pop() ?? name
    ).replace(/\.git$/, '');
  } else if (name.startsWith('@') && name.includes('/')) {
    name = name.slice(name.indexOf('/') + 1);
  } else if (name.includes('/')) {
    name = name.split('/').pop() ?? name;
  }
  name = name.replace(/:[^/]*$/, ''); // container tag
  name = name.replace(/(?<=.)@.*$/, ''); // npm version or tag
  name = name.split(/[[=<>~!;\s]/)[0] ?? name; // Python extras and version specifiers
  return name === '' ? undefined : name;
}

const GENERIC_SCRIPT_NAMES = new Set(['index', 'main', '__main__', 'cli']);
const BUILD_DIRS = new Set(['dist', 'build', 'lib', 'src', 'bin', 'out', 'esm', 'cjs']);

/** `/srv/github/dist/index.js` → `github`: generic file names say nothing, their package does. */
function scriptName(script: string): string {
  const path = script.replace(/\\/g, '/');
  const name = basename(path).replace(/\.(m?[jt]s|c[jt]s|py|rb|pl|php|sh)$/i, '');
  if (!GENERIC_SCRIPT_NAMES.has(name)) return name;
  let dir = dirname(path);
  while (dir !== '.' && dir !== '/' && BUILD_DIRS.has(basename(dir))) dir = dirname(dir);
  const owner = basename(dir);
  return owner === '' || owner === '.' || owner === '/' ? name : owner;
}
