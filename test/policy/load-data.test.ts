import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadData } from '../../src/policy/load-data.js';
import { PolicyLoadError } from '../../src/policy/policy-load-error.js';

const work = mkdtempSync(join(tmpdir(), 'load-data-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function file(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

describe('loadData', () => {
  it('reads JSON and YAML and merges them deeply, later files winning', async () => {
    const json = file(
      'a.json',
      JSON.stringify({
        tiers: { dev: { servers: { '*': {} } } },
        sampling: { allow: false },
        list: [1, 2],
      }),
    );
    const yaml = file(
      'b.yaml',
      'tiers:\n  ops:\n    read_only: true\nsampling:\n  allow: true\nlist: [3]\n',
    );
    expect(await loadData([json, yaml])).toEqual({
      tiers: { dev: { servers: { '*': {} } }, ops: { read_only: true } },
      sampling: { allow: true },
      list: [3],
    });
  });

  it('gives empty data for no files and for an empty YAML file', async () => {
    expect(await loadData([])).toEqual({});
    expect(await loadData([file('empty.yml', '')])).toEqual({});
  });

  it('names the file that does not parse', async () => {
    const bad = file('bad.yaml', 'tiers: [unclosed\n');
    const load = loadData([bad]);
    await expect(load).rejects.toBeInstanceOf(PolicyLoadError);
    await expect(load).rejects.toThrow(/Cannot parse `--data` file `.*bad\.yaml`/);
  });

  it('rejects YAML with duplicate keys', async () => {
    await expect(loadData([file('dup.yaml', 'a: 1\na: 2\n')])).rejects.toThrow(/dup\.yaml/);
  });

  it('rejects a document that is not an object', async () => {
    await expect(loadData([file('list.json', '[1]')])).rejects.toThrow(
      /Expected `--data` file `.*list\.json` to hold an object .*got an array/,
    );
  });

  it('names a missing file', async () => {
    await expect(loadData([join(work, 'missing.json')])).rejects.toThrow(
      /Cannot read `--data` file `.*missing\.json`: .*ENOENT/,
    );
  });
});
