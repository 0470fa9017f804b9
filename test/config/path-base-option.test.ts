import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeWorkspace, optionError, runConfig, type Workspace } from '../cli/parse-helpers.js';

let ws: Workspace;

beforeAll(() => {
  ws = makeWorkspace();
});

describe('--path-base', () => {
  it('is empty by default', () => {
    expect(runConfig(ws, []).pathBases).toEqual([]);
  });

  it('keeps each directory as written (absolute) and realpath’d, once each', () => {
    const root = join(ws.dir, 'root');
    expect(
      runConfig(ws, [
        '--path-base',
        'root',
        '--path-base',
        'root-link',
        '--path-base',
        '~/projects',
        '--path-base',
        root,
      ]).pathBases,
    ).toEqual([root, join(ws.dir, 'root-link'), join(ws.home, 'projects')]);
  });

  it('is read from MCP_OPA_SHIM_PATH_BASE too', () => {
    expect(runConfig(ws, [], { MCP_OPA_SHIM_PATH_BASE: 'root' }).pathBases).toEqual([
      join(ws.dir, 'root'),
    ]);
  });

  it('rejects a base that is missing or a file, naming the option, the value and the fix', () => {
    expect(optionError(ws, ['--path-base', 'nowhere'])).toBe(
      `Expected \`--path-base\` to be an existing directory, got \`nowhere\`. No such directory: ${join(ws.dir, 'nowhere')}.`,
    );
    expect(optionError(ws, ['--path-base', 'data.json'])).toBe(
      `Expected \`--path-base\` to be an existing directory, got \`data.json\`. ${join(ws.dir, 'data.json')} is not a directory.`,
    );
  });
});
