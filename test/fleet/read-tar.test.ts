import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTarGz } from '../../src/policy/read-tar.js';

let archive: Buffer;
let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'read-tar-'));
  const dir = join(work, 'src');
  mkdirSync(join(dir, 'nested'), { recursive: true });
  writeFileSync(join(dir, 'data.json'), '{"a":1}');
  writeFileSync(join(dir, 'nested', 'data.json'), '{"b":2}');
  writeFileSync(join(dir, `${'long-name-'.repeat(15)}.txt`), 'long');
  const path = join(work, 'b.tar.gz');
  execFileSync('tar', ['-czf', path, '-C', dir, '.']);
  archive = readFileSync(path);
});

describe('readTarGz', () => {
  it('reads every regular file, rooted, including GNU long names', () => {
    const files = readTarGz(archive);
    expect([...files.keys()].sort()).toEqual(
      ['/data.json', '/nested/data.json', `/${'long-name-'.repeat(15)}.txt`].sort(),
    );
    expect(files.get('/nested/data.json')?.toString()).toBe('{"b":2}');
  });

  it('refuses a header whose checksum does not match', () => {
    const tar = Buffer.from(gunzipSync(archive));
    // Flip a byte in the first header's name field: its checksum no longer matches.
    tar[3] = (tar[3] ?? 0) ^ 1;
    expect(() => readTarGz(gzipSync(tar))).toThrow(/checksum/);
  });

  it('refuses a truncated archive', () => {
    const tar = gunzipSync(archive);
    expect(() => readTarGz(gzipSync(tar.subarray(0, 700)))).toThrow(/truncated/i);
    // Cut at a block boundary inside a file's body.
    const firstFile = tar.indexOf('data.json');
    const cut = firstFile - (firstFile % 512) + 512;
    expect(() => readTarGz(gzipSync(tar.subarray(0, cut)))).toThrow(/truncated/i);
    expect(() => readTarGz(archive.subarray(0, archive.length - 30))).toThrow();
  });

  it('refuses data that is not a tar archive', () => {
    expect(() => readTarGz(gzipSync(Buffer.from('hello, not a tar archive')))).toThrow();
    expect(() => readTarGz(Buffer.from('not gzip'))).toThrow();
  });

  it('refuses a symbolic link, which could stand in for a signed file', () => {
    const dir = join(work, 'links');
    mkdirSync(dir);
    writeFileSync(join(dir, 'data.json'), '{}');
    execFileSync('ln', ['-s', 'data.json', join(dir, 'other.json')]);
    const path = join(work, 'links.tar.gz');
    execFileSync('tar', ['-czf', path, '-C', dir, '.']);
    expect(() => readTarGz(readFileSync(path))).toThrow(/SymbolicLink/);
  });

  it('stops decompressing at the size limit', () => {
    expect(() => readTarGz(archive, 1024)).toThrow();
  });
});
