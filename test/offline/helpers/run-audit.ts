import { runAudit } from '../../../src/cli/audit-command.js';

export interface AuditRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mcp-opa-shim audit <argv>` in process, capturing its exit code, stdout and stderr. */
export async function audit(...argv: string[]): Promise<AuditRun> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    env: {},
  };
  const code = await runAudit(argv, io);
  return { code, stdout, stderr };
}
