import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../helpers/shim-process.js';
import { shimsClosedAfterEach } from './helpers/closed-after-each.js';
import { nodeCommand, type PolicyShim, toolOutcome } from './helpers/policy-shim.js';

// examples/custom-rule: --rules on top of the default policy, against the real server-filesystem.
const FILESYSTEM = join(REPO, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const RULES = join(REPO, 'examples/custom-rule/rules.rego');
const SECRET = 'AWS_SECRET=never-shown';

let work: string;
let project: string;
const startShim = shimsClosedAfterEach();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'policy-e2e-rules-'));
  project = join(work, 'project');
  mkdirSync(join(project, 'notes'), { recursive: true });
  writeFileSync(join(project, 'notes/todo.md'), '- ship v1\n');
  writeFileSync(join(work, 'secrets.env'), SECRET);
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function filesystemShim(rules: string): Promise<PolicyShim> {
  // The server may see the wider parent: only the shim's --root confines it.
  const shim = startShim({
    args: ['--root', project, '--rules', rules, '--server-id', 'filesystem'],
    server: nodeCommand(FILESYSTEM, work),
  });
  await shim.initialize();
  await shim.listToolNames();
  return shim;
}

describe('--rules add to the default policy, against the real server-filesystem', () => {
  it('keeps --root confinement: a read outside the root is denied with a custom rule loaded', async () => {
    const shim = await filesystemShim(RULES);
    const path = join(project, '../secrets.env');
    expect(toolOutcome(await shim.callTool('read_text_file', { path }))).toEqual({
      isError: true,
      text: `Path \`${path}\` is outside the allowed roots.`,
    });
    expect(shim.process.stdoutLines.join('\n')).not.toContain(SECRET);
  });

  it("applies the custom rule's denial and allows what neither denies", async () => {
    const shim = await filesystemShim(RULES);
    const read = toolOutcome(
      await shim.callTool('read_text_file', { path: join(project, 'notes/todo.md') }),
    );
    expect(read).toEqual({ isError: false, text: '- ship v1\n' });
    const target = join(project, 'notes/new.md');
    // The rule denies list entries too: write_file is hidden, so the reason comes as an error.
    expect(await shim.listToolNames()).not.toContain('write_file');
    expect(toolOutcome(await shim.callTool('write_file', { path: target, content: 'x' }))).toEqual({
      error: {
        code: -32602,
        message: 'Tool `write_file` changes files; this workspace is read-only.',
      },
    });
    expect(existsSync(target)).toBe(false);
    const record = shim
      .auditDecisions()
      .find((r) => r.input?.operation.name === 'write_file' && !r.input.operation.listing);
    expect(record).toMatchObject({ action: 'denied', result: { reasons: ['files_read_only'] } });
  });

  it('refuses, with exit 78 before the server starts, a rules file outside package mcp.user', async () => {
    const rules = join(work, 'widening.rego');
    // In package mcp this would switch the sampling denial off.
    writeFileSync(rules, 'package mcp\n\nsampling_allowed := true\n');
    const shim = startShim({
      args: ['--root', project, '--rules', rules],
      server: nodeCommand(FILESYSTEM, work),
    });
    expect((await shim.process.exited).code).toBe(78);
    expect(shim.process.stderr).toContain(
      `Expected \`--rules\` file \`${rules}\` to declare \`package mcp.user\`, got \`package mcp\``,
    );
    expect(shim.process.stdoutLines).toEqual([]);
  });

  it('refuses --rules together with --policy (usage error, exit 2)', async () => {
    const shim = startShim({
      args: ['--policy', RULES, '--rules', RULES],
      server: nodeCommand(FILESYSTEM, work),
    });
    expect((await shim.process.exited).code).toBe(2);
    expect(shim.process.stderr).toContain('`--rules` adds rules to the default policy');
    expect(readFileSync(shim.auditPath, { flag: 'a+' }).length).toBe(0);
  });

  it('warns at start-up which built-in protections a replacement --policy turns off', async () => {
    const policy = join(work, 'one-rule.rego');
    writeFileSync(policy, 'package mcp\n\ndecision := {"allow": true}\n');
    const shim = await filesystemShimWith(['--policy', policy]);
    expect(shim.process.stderr).toContain(
      `mcp-opa-shim: warning: \`--policy ${policy}\` replaces the default policy: its built-in protections are off`,
    );
    expect(shim.process.stderr).toContain('the sampling denial');
    expect(shim.process.stderr).toContain(
      `mcp-opa-shim: warning: \`--root\` is NOT enforced: \`--policy ${policy}\` never reads input.paths or input.roots`,
    );
    // The audit log keeps them too: its start record is what a reviewer reads later.
    const start = JSON.parse(readFileSync(shim.auditPath, 'utf8').split('\n')[0] ?? '') as {
      type: string;
      warnings?: string[];
    };
    expect(start.type).toBe('start');
    expect(start.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`\`--root\` is NOT enforced: \`--policy ${policy}\``),
      ]),
    );
  });

  it('warns at start-up that relative paths will be denied when a shell hides the server’s directories', async () => {
    const shim = startShim({
      args: ['--root', project, '--server-id', 'filesystem'],
      server: ['bash', '-c', `cd / && exec ${nodeCommand(FILESYSTEM, work).join(' ')}`],
    });
    await shim.initialize();
    expect(shim.process.stderr).toContain(
      'mcp-opa-shim: warning: relative path arguments cannot be checked against `--root` and will be denied',
    );
    expect(shim.process.stderr).toContain('`--path-base <dir>`');
    await shim.listToolNames();
    const relative = toolOutcome(
      await shim.callTool('read_text_file', { path: 'project/notes/todo.md' }),
    );
    expect(relative).toMatchObject({ isError: true });
    expect(JSON.stringify(relative)).toContain(
      'is relative, and the shim cannot tell which directory',
    );
  });

  it('does not warn with the default policy and --rules', async () => {
    const shim = await filesystemShim(RULES);
    expect(shim.process.stderr).not.toContain('warning:');
  });
});

async function filesystemShimWith(policyArgs: string[]): Promise<PolicyShim> {
  const shim = startShim({
    args: ['--root', project, ...policyArgs, '--server-id', 'filesystem'],
    server: nodeCommand(FILESYSTEM, work),
  });
  await shim.initialize();
  return shim;
}
