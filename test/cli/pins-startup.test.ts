import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, SHIM } from '../helpers/shim-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pins-startup-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a corrupt pin file at start-up', () => {
  it('stops the shim before the server starts, naming the file and the fix', () => {
    const pins = join(dir, 'pins.json');
    writeFileSync(pins, '{"format": 1, "server_id": "echo", "tools": {"x": 1}, "pending": {}}');
    const marker = join(dir, 'server-ran');
    const server = `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`;
    const run = spawnSync(
      process.execPath,
      [SHIM, '--pins', pins, '--', process.execPath, '-e', server],
      { cwd: REPO, input: '', encoding: 'utf8' },
    );
    expect(run.status).toBe(78);
    expect(run.stderr).toContain(
      `The pin file \`${pins}\` is corrupt: \`tools.x\` is not an object. Restore it, or remove it to pin the server's tools anew at its next listing.`,
    );
    expect(existsSync(marker)).toBe(false);
  });
});
