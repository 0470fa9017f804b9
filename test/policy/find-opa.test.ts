import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  PINNED_OPA_VERSION,
  findOpa,
  opaCacheDir,
  opaMissingText,
} from '../../src/policy/find-opa.js';
import { REPO_ROOT } from './opa-cli.js';

const work = mkdtempSync(join(tmpdir(), 'find-opa-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function executable(dir: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'opa');
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
}

describe('findOpa', () => {
  const cacheRoot = join(work, 'cache');
  const cached = executable(join(cacheRoot, 'mcp-opa-shim', 'opa-v1.22.2'));
  const onPath = executable(join(work, 'bin'));

  it('pins the version scripts/install-opa.sh installs', () => {
    const script = readFileSync(join(REPO_ROOT, 'scripts/install-opa.sh'), 'utf8');
    expect(/OPA_VERSION="\$\{OPA_VERSION:-(v[\d.]+)\}"/.exec(script)?.[1]).toBe(PINNED_OPA_VERSION);
  });

  it('looks where scripts/install-opa.sh installs: $XDG_CACHE_HOME, else ~/.cache', () => {
    expect(opaCacheDir({ XDG_CACHE_HOME: cacheRoot })).toBe(
      join(cacheRoot, 'mcp-opa-shim/opa-v1.22.2'),
    );
    expect(opaCacheDir({ HOME: '/home/me' })).toBe('/home/me/.cache/mcp-opa-shim/opa-v1.22.2');
    expect(opaCacheDir({ HOME: '/home/me', XDG_CACHE_HOME: '' })).toBe(
      '/home/me/.cache/mcp-opa-shim/opa-v1.22.2',
    );
  });

  it('prefers the opa on PATH, then the install cache, else none', () => {
    expect(findOpa({ PATH: join(work, 'bin'), XDG_CACHE_HOME: cacheRoot })).toBe(onPath);
    expect(findOpa({ PATH: join(work, 'empty'), XDG_CACHE_HOME: cacheRoot })).toBe(cached);
    expect(findOpa({ PATH: join(work, 'empty'), XDG_CACHE_HOME: join(work, 'none') })).toBe(
      undefined,
    );
  });

  it('skips a file that is not executable', () => {
    executable(join(work, 'not-exec'), 0o644);
    expect(findOpa({ PATH: join(work, 'not-exec'), XDG_CACHE_HOME: join(work, 'none') })).toBe(
      undefined,
    );
  });

  it('says in one line how to install it where it looks', () => {
    const text = opaMissingText('`mcp-opa-shim build`', { HOME: '/home/me' });
    expect(text).not.toContain('\n');
    expect(text).toContain(
      'Install it there with `GOBIN=/home/me/.cache/mcp-opa-shim/opa-v1.22.2 go install github.com/open-policy-agent/opa@v1.22.2`',
    );
  });
});
