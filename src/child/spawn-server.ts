import { execa } from 'execa';

export interface SpawnServerOptions {
  readonly command: string;
  readonly args: readonly string[];
  /** The complete environment of the server (see build-child-env); nothing else is inherited. */
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string | undefined;
  /** `inherit` (default) passes the server's stderr straight to ours; `pipe` exposes it to scrub. */
  readonly stderr?: 'inherit' | 'pipe';
}

export type ServerSubprocess = ReturnType<typeof spawnServer>;

/**
 * Spawns the server: no shell (arguments are never re-parsed), no output buffering (stdout is the
 * protocol stream the relay reads), an explicit environment, and no execa-side kill timers: the
 * staged shutdown decides when to escalate.
 */
export function spawnServer(options: SpawnServerOptions) {
  return execa(options.command, options.args, {
    shell: false,
    buffer: false,
    reject: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: options.stderr ?? 'inherit',
    env: options.env,
    extendEnv: false,
    windowsHide: true,
    forceKillAfterDelay: false,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}
