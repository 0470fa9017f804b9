import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

/**
 * One writer per audit log: two shims appending to the same file would interleave their records
 * and break each other's hash chain. `<log>.lock` holds the writer's pid; a lock left by a
 * process that no longer runs (a crash) is taken over.
 */
export class WriterLock {
  private constructor(private readonly path: string | undefined) {}

  static acquire(logFile: string): WriterLock {
    const path = `${logFile}.lock`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(path, 'wx', 0o600);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        return new WriterLock(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          const code = String((error as NodeJS.ErrnoException).code);
          throw new Error(
            `Cannot open \`--audit-log\` file \`${logFile}\` (${code}): its lock \`${path}\` cannot be created. Choose a file in a directory you can write to.`,
            { cause: error },
          );
        }
        const owner = readOwner(path);
        if (owner !== undefined && isRunning(owner)) {
          throw new Error(
            `Another process (pid ${owner}) is writing the audit log \`${logFile}\`. Give each wrapped server its own \`--audit-log\` file, or delete \`${path}\` if no shim is running.`,
            { cause: error },
          );
        }
        unlinkQuietly(path);
      }
    }
    throw new Error(
      `Cannot take the \`--audit-log\` lock \`${path}\`: another shim keeps taking it.`,
    );
  }

  release(): void {
    if (this.path !== undefined) unlinkQuietly(this.path);
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
