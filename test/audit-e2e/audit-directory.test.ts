import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ShimProcess } from '../helpers/shim-process.js';
import { ECHO_SERVER } from './helpers/audited-shim.js';
import { readLog, runCli, tempDir } from './helpers/audit-files.js';

/**
 * The README's client config puts the audit log in `~/.mcp-audit/…`, which a fresh machine does
 * not have: the shim creates it, readable by its owner only, and the log works as any other.
 */
describe('an audit log in a directory that does not exist yet', () => {
  it('creates ~/.mcp-audit (0700) and the log (0600), and the session is audited', async () => {
    const home = tempDir('audit-home-');
    const shim = new ShimProcess(
      [
        '--audit-log',
        '~/.mcp-audit/echo.jsonl',
        '--log-level',
        'silent',
        '--',
        process.execPath,
        ECHO_SERVER,
      ],
      { env: { HOME: home } },
    );
    expect(existsSync(join(home, '.mcp-audit'))).toBe(false);
    await shim.initialize();
    expect((await shim.close()).code).toBe(0);
    const log = join(home, '.mcp-audit', 'echo.jsonl');
    expect(statSync(join(home, '.mcp-audit')).mode & 0o777).toBe(0o700);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(readLog(log).map((record) => record.type)).toEqual([
      'start',
      'decision',
      'decision',
      'end',
    ]);
    expect(runCli(['audit', 'verify', log]).status).toBe(0);
  });
});
