import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { nodeCommand, PolicyShim, toolOutcome } from './helpers/policy-shim.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';

// The setup examples/file-roots/README.md describes, with its data, against the real server.
const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const EXAMPLE_DATA: unknown = parse(
  readFileSync(join(REPO, 'examples/file-roots/data.yaml'), 'utf8'),
);
const SECRET = 'AWS_SECRET=never-shown';

let work: string;
let project: string;
const startShim = shimsClosedAfterEach();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'policy-e2e-roots-'));
  project = join(work, 'project');
  mkdirSync(join(project, 'notes'), { recursive: true });
  writeFileSync(join(project, 'notes/todo.md'), '- ship v1\n');
  writeFileSync(join(work, 'secrets.env'), SECRET);
  symlinkSync('../secrets.env', join(project, 'config.env'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function filesystemShim(): Promise<PolicyShim> {
  // The server may see the wider parent: only the shim's --root confines it.
  const shim = startShim({
    data: EXAMPLE_DATA,
    args: ['--root', project, '--server-id', 'filesystem'],
    server: nodeCommand(FILESYSTEM, work),
  });
  await shim.initialize();
  await shim.listToolNames();
  return shim;
}

describe('examples/file-roots through the shim, against the real server-filesystem', () => {
  it('reads and writes inside the root, and keeps written content out of the audit log', async () => {
    const shim = await filesystemShim();
    const read = toolOutcome(
      await shim.callTool('read_text_file', { path: join(project, 'notes/todo.md') }),
    );
    expect(read).toEqual({ isError: false, text: '- ship v1\n' });
    const content = 'written-by-the-model-42';
    const write = toolOutcome(
      await shim.callTool('write_file', { path: join(project, 'notes/new.md'), content }),
    );
    expect(write).toMatchObject({ isError: false });
    expect(readFileSync(join(project, 'notes/new.md'), 'utf8')).toBe(content);
    expect(readFileSync(shim.auditPath, 'utf8')).not.toContain(content);
  });

  it('denies traversal and a symlink out of the root before the server reads anything', async () => {
    const shim = await filesystemShim();
    for (const path of [join(project, '../secrets.env'), join(project, 'config.env')]) {
      expect(toolOutcome(await shim.callTool('read_text_file', { path }))).toEqual({
        isError: true,
        text: `Path \`${path}\` is outside the allowed roots.`,
      });
    }
    expect(shim.process.stdoutLines.join('\n')).not.toContain(SECRET);
  });
});
