import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { guardDirectories, realStateDirs } from './real-state-guard.js';

let exitCode: typeof process.exitCode;
const made: string[] = [];
afterEach(() => {
  // The guard sets a failing exit code when it fires; these tests fire it on purpose.
  process.exitCode = exitCode;
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateDir(): string {
  exitCode = process.exitCode;
  const dir = mkdtempSync(join(tmpdir(), 'mcp-opa-shim-guard-'));
  made.push(dir);
  return join(dir, 'mcp-opa-shim');
}

describe('the real state directory guard', () => {
  it('watches $XDG_STATE_HOME/mcp-opa-shim and ~/.local/state/mcp-opa-shim', () => {
    const dirs = realStateDirs({ XDG_STATE_HOME: '/x/state', HOME: '/home/someone' });
    expect(dirs).toContain('/x/state/mcp-opa-shim');
    expect(dirs).toContain('/home/someone/.local/state/mcp-opa-shim');
    // A relative XDG_STATE_HOME is ignored by the shim (the XDG rule), so by the guard too.
    expect(realStateDirs({ XDG_STATE_HOME: 'state', HOME: '/h' })).not.toContain(
      'state/mcp-opa-shim',
    );
  });

  it('passes when nothing changed, even with files there before the run', () => {
    const dir = stateDir();
    mkdirSync(join(dir, 'pins'), { recursive: true });
    writeFileSync(join(dir, 'pins/kept.json'), '{}');
    const check = guardDirectories([dir]);
    expect(check).not.toThrow();
  });

  it('fails naming a pin file a test created, and the directory it made', () => {
    const dir = stateDir();
    const check = guardDirectories([dir]);
    mkdirSync(join(dir, 'pins'), { recursive: true });
    writeFileSync(join(dir, 'pins/echo-server.json'), '{"tools":{}}');
    expect(check).toThrow(/added .*mcp-opa-shim\/pins\/ \(directory\)/);
    expect(check).toThrow(/added .*mcp-opa-shim\/pins\/echo-server\.json \(12 bytes, modified /);
    expect(check).toThrow(/add stateHomeEnv\(\)/);
    expect(process.exitCode).toBe(1);
  });

  it('fails naming a file that was changed or removed', () => {
    const dir = stateDir();
    mkdirSync(join(dir, 'pins'), { recursive: true });
    writeFileSync(join(dir, 'pins/a.json'), '{}');
    writeFileSync(join(dir, 'pins/b.json'), '{}');
    utimesSync(join(dir, 'pins/a.json'), new Date(0), new Date(0));
    const check = guardDirectories([dir]);
    writeFileSync(join(dir, 'pins/a.json'), '{}');
    rmSync(join(dir, 'pins/b.json'));
    expect(check).toThrow(
      /changed .*pins\/a\.json \(was 2 bytes, modified 1970-01-01T00:00:00\.000Z, now 2 bytes/,
    );
    expect(check).toThrow(/removed .*pins\/b\.json/);
  });
});
