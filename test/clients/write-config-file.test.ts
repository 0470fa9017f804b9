import {
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigChangedError, writeConfigFile } from '../../src/clients/write-config-file.js';

let dir: string;
const NOW = new Date('2026-12-05T08:30:00.123Z');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'write-config-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeConfigFile', () => {
  it('replaces the file, keeps its mode and leaves a backup of the old text', () => {
    const file = join(dir, 'mcp.json');
    writeFileSync(file, 'old', { mode: 0o640 });
    const backup = writeConfigFile(file, 'old', 'new', NOW);
    expect(backup).toBe(`${file}.20261205T083000.123Z.mcp-opa-shim.bak`);
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readFileSync(backup, 'utf8')).toBe('old');
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(statSync(backup).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual([
      'mcp.json',
      'mcp.json.20261205T083000.123Z.mcp-opa-shim.bak',
    ]);
  });

  it('writes through a symlinked config, so the link stays a link', () => {
    const target = join(dir, 'dotfiles-mcp.json');
    const link = join(dir, 'mcp.json');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    writeConfigFile(link, 'old', 'new', NOW);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('refuses when the file changed since it was read, and leaves no trace', () => {
    const file = join(dir, 'mcp.json');
    writeFileSync(file, 'saved by the client meanwhile');
    expect(() => writeConfigFile(file, 'what we read', 'new', NOW)).toThrow(ConfigChangedError);
    expect(readFileSync(file, 'utf8')).toBe('saved by the client meanwhile');
    expect(readdirSync(dir)).toEqual(['mcp.json']);
  });
});
