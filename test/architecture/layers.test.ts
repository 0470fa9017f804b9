import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const CHECK = join(REPO, 'scripts/check-deps.mjs');
const copies: string[] = [];

/** A copy of what `npm run deps:check` reads (src/, the layer table, the config), to break on purpose. */
function copyOfTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'deps-check-'));
  copies.push(root);
  cpSync(join(REPO, 'src'), join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'docs'));
  cpSync(join(REPO, 'docs/architecture.md'), join(root, 'docs/architecture.md'));
  cpSync(join(REPO, '.dependency-cruiser.cjs'), join(root, '.dependency-cruiser.cjs'));
  cpSync(join(REPO, 'tsconfig.json'), join(root, 'tsconfig.json'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
  return root;
}

function check(root: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [CHECK], { cwd: root, encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

afterEach(() => {
  for (const root of copies.splice(0)) rmSync(root, { recursive: true, force: true });
});

describe('npm run deps:check (docs/architecture.md layers)', () => {
  it('passes on the tree as it is', () => {
    const { status, output } = check(copyOfTree());
    expect(output).toContain('no violations');
    expect(status).toBe(0);
  });

  it('fails when a lower layer imports a higher one', () => {
    const root = copyOfTree();
    const file = join(root, 'src/core/json-rpc.ts');
    writeFileSync(
      file,
      `import type { Session } from '../session/session.js';\nexport type Upward = Session;\n` +
        readFileSync(file, 'utf8'),
    );
    const { status, output } = check(root);
    expect(output).toContain('layer-core: src/core/json-rpc.ts → src/session/session.ts');
    expect(status).toBe(1);
  });

  it('fails when the bottom layer imports a value (core loads nothing at run time)', () => {
    const root = copyOfTree();
    const file = join(root, 'src/core/json-rpc.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('import type {', 'import {'));
    const { status, output } = check(root);
    expect(output).toContain('core-types-only: src/core/json-rpc.ts');
    expect(status).toBe(1);
  });

  it('fails on an import cycle inside one folder', () => {
    const root = copyOfTree();
    writeFileSync(
      join(root, 'src/messages/cycle-a.ts'),
      `import { b } from './cycle-b.js';\nexport const a = () => b;\n`,
    );
    writeFileSync(
      join(root, 'src/messages/cycle-b.ts'),
      `import { a } from './cycle-a.js';\nexport const b = () => a;\n`,
    );
    const { status, output } = check(root);
    expect(output).toContain('no-circular');
    expect(status).toBe(1);
  });

  it('fails on a src folder the layer table does not name', () => {
    const root = copyOfTree();
    mkdirSync(join(root, 'src/unlisted'));
    writeFileSync(join(root, 'src/unlisted/thing.ts'), 'export const thing = 1;\n');
    appendFileSync(
      join(root, 'src/cli/main.ts'),
      `\nimport { thing } from '../unlisted/thing.js';\nexport const unlisted = thing;\n`,
    );
    const { status, output } = check(root);
    expect(output).toContain('import-of-folder-not-in-architecture');
    expect(status).toBe(1);
  });

  it('refuses a layer table that lets a folder import one below its own row', () => {
    const root = copyOfTree();
    const doc = join(root, 'docs/architecture.md');
    writeFileSync(
      doc,
      readFileSync(doc, 'utf8').replace(/^(\|\s*`core`\s*\|[^|]*\|)[^|]*(\|)$/m, '$1 `relay` $2'),
    );
    const { status, output } = check(root);
    expect(output).toContain('`core` may import `relay`, which is not a row above it');
    expect(status).toBe(2);
  });
});
