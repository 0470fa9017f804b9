import { RUN_OPTIONS } from '../config/option-specs.js';

/** A client entry that launches the shim: its options and the real server after them. */
export interface WrappedCommand {
  shimArgs: readonly string[];
  /** `''` when the entry names no server after the shim's options (the shim refuses to start). */
  serverCommand: string;
  serverArgs: readonly string[];
  /** Index in the entry's `args` of the first shim option (after `-y mcp-opa-shim` for npx, …). */
  shimArgsIndex: number;
  /** Index in the entry's `args` of the server command; `args.length` when there is none. */
  serverCommandIndex: number;
}

const SHIM = 'mcp-opa-shim';
const VALUE_OPTIONS = new Set(RUN_OPTIONS.filter((s) => s.kind === 'value').map((s) => s.name));

/**
 * Recognises the three ways a client entry runs the shim: the bin itself (`mcp-opa-shim`, or a
 * path to it, `.mjs`/`.cmd` included), `npx [-y] mcp-opa-shim[@version]`, and
 * `node <path>/mcp-opa-shim.mjs`. Undefined when the entry does not launch the shim.
 */
export function parseWrappedCommand(
  command: string,
  args: readonly string[],
): WrappedCommand | undefined {
  const shimArgsIndex = shimArgsStart(command, args);
  if (shimArgsIndex === undefined) return undefined;
  const serverCommandIndex = serverStart(args, shimArgsIndex);
  const separated = args[serverCommandIndex - 1] === '--' && serverCommandIndex > shimArgsIndex;
  return {
    shimArgs: args.slice(shimArgsIndex, separated ? serverCommandIndex - 1 : serverCommandIndex),
    serverCommand: args[serverCommandIndex] ?? '',
    serverArgs: args.slice(serverCommandIndex + 1),
    shimArgsIndex,
    serverCommandIndex,
  };
}

function programName(path: string): string {
  const last = path.split(/[\\/]/).at(-1) ?? '';
  return last.replace(/\.(mjs|cjs|js|cmd|exe|ps1)$/i, '').toLowerCase();
}

function shimArgsStart(command: string, args: readonly string[]): number | undefined {
  const program = programName(command);
  if (program === SHIM) return 0;
  if (program === 'npx') {
    let i = 0;
    while (['-y', '--yes', '-q', '--quiet'].includes(args[i] ?? '')) i++;
    const pkg = args[i] ?? '';
    return pkg === SHIM || pkg.startsWith(`${SHIM}@`) ? i + 1 : undefined;
  }
  if (program === 'node' && args[0] !== undefined && programName(args[0]) === SHIM) return 1;
  return undefined;
}

/**
 * Where the server command starts: after the first `--`, or (as the shim itself reads its
 * command line) at the first argument that is neither an option nor an option's value.
 */
function serverStart(args: readonly string[], from: number): number {
  for (let i = from; i < args.length; i++) {
    const token = args[i] ?? '';
    if (token === '--') return i + 1;
    if (!token.startsWith('-') || token === '-') return i;
    const name = token.slice(2);
    if (token.startsWith('--') && !name.includes('=') && VALUE_OPTIONS.has(name)) i++;
  }
  return args.length;
}
