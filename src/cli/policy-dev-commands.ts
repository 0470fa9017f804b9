import type { Writable } from 'node:stream';

/** `init`, `build` and `test`: each loads only its own module. */
export async function runPolicyDevCommand(
  name: 'init' | 'build' | 'test',
  argv: readonly string[],
  io: { readonly stdout: Writable; readonly stderr: Writable },
): Promise<number> {
  switch (name) {
    case 'init':
      return (await import('./init-command.js')).runInit(argv, io);
    case 'build':
      return (await import('./build-command.js')).runBuild(argv, io);
    case 'test':
      return (await import('./test-command.js')).runTest(argv, io);
  }
}
