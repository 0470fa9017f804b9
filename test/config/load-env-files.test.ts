import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/config/usage-error.js';
import { loadEnvFiles } from '../../src/config/load-env-files.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-env-'));
  writeFileSync(
    join(dir, 'a.env'),
    '# comment\nQUIET_CHECK_TOKEN=s3cret\nexport SHARED="from a"\nMULTI="line1\nline2"\n',
  );
  writeFileSync(join(dir, 'b.env'), 'SHARED=from b\n__proto__=polluted\n');
});

describe('loadEnvFiles', () => {
  it('parses dotenv files, later files overriding earlier ones', () => {
    const values = loadEnvFiles([join(dir, 'a.env'), join(dir, 'b.env')]);
    expect(values).toMatchObject({
      QUIET_CHECK_TOKEN: 's3cret',
      SHARED: 'from b',
      MULTI: 'line1\nline2',
    });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it('leaves process.env alone', () => {
    loadEnvFiles([join(dir, 'a.env')]);
    expect(process.env.QUIET_CHECK_TOKEN).toBeUndefined();
  });

  it('rejects a file that cannot be read, naming the option and the path', () => {
    const missing = join(dir, 'missing.env');
    expect(() => loadEnvFiles([missing])).toThrow(UsageError);
    expect(() => loadEnvFiles([missing])).toThrow(
      `Expected \`--env-file\` to be a readable dotenv file, got \`${missing}\` (ENOENT); check the path and its permissions.`,
    );
  });

  it('prints nothing on stdout in a real process', async () => {
    const viteNode = join(repo, 'node_modules', '.bin', 'vite-node');
    const child = join(repo, 'test/config/fixtures/load-env-files-child.ts');
    const { stdout, stderr } = await run(
      viteNode,
      [child, join(dir, 'a.env'), join(dir, 'b.env')],
      {
        cwd: repo,
        env: { ...process.env, DOTENV_CONFIG_QUIET: 'false', DOTENV_CONFIG_DEBUG: 'true' },
      },
    );
    expect(stdout).toBe('');
    const report = JSON.parse(stderr) as { values: Record<string, string>; leaked: string | null };
    expect(report.values.SHARED).toBe('from b');
    expect(report.leaked).toBeNull();
  });
});
