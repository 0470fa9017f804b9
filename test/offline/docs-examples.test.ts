import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/cli/audit-command.js';

const here = dirname(fileURLToPath(import.meta.url));
const log = join(here, 'fixtures/filesystem-session.jsonl');
const candidate = join(here, 'fixtures/read-only.yaml');
const docs = readFileSync(join(here, '../../docs/audit.md'), 'utf8');

/** Runs an audit command on the recorded log, naming the files as docs/audit.md does. */
async function shown(...argv: string[]): Promise<string> {
  let out = '';
  const io = {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (out += t) },
    env: {},
  };
  await runAudit(
    argv.map((a) => (a === 'LOG' ? log : a === 'CANDIDATE' ? candidate : a)),
    io,
  );
  return out
    .replaceAll(log, 'audit.jsonl')
    .replaceAll(candidate, '/tmp/demo/read-only.yaml')
    .trimEnd();
}

describe('docs/audit.md', () => {
  it('shows the real verify output of the recorded server-filesystem log', async () => {
    expect(docs).toContain(
      `$ mcp-opa-shim audit verify audit.jsonl\n${await shown('verify', 'LOG')}\n`,
    );
  });

  it('shows the real roots report, as recorded and against a narrower root', async () => {
    expect(docs).toContain(
      `$ mcp-opa-shim audit roots audit.jsonl\n${await shown('roots', 'LOG')}\n`,
    );
    const narrow = (await shown('roots', '--root', '/tmp/demo/projects/src', 'LOG'))
      .split('\n')
      .at(-1);
    expect(docs).toContain(`--root /tmp/demo/projects/src audit.jsonl | tail -1\n${narrow}\n`);
  });

  it('shows the real replay against the read-only candidate data', async () => {
    // The embedded policy is rebuilt as it evolves: its hash may differ from the one shown.
    const anyPolicy = (text: string) =>
      text.replace(/embedded \(sha256 [0-9a-f]{12}\)/g, 'embedded (sha256 …)');
    expect(anyPolicy(docs)).toContain(
      anyPolicy(`"exit $?"\n${await shown('replay', '--data', 'CANDIDATE', 'LOG')}\nexit 1\n`),
    );
  });

  it('shows the real summary', async () => {
    expect(docs).toContain(
      `$ mcp-opa-shim audit summary --top 3 audit.jsonl\n${await shown('summary', '--top', '3', 'LOG')}\n`,
    );
  });

  it('shows a real decision record from the log, and the log holds no secret value', () => {
    const lines = readFileSync(log, 'utf8').split('\n');
    expect(docs).toContain(`\`\`\`json\n${lines[5]}\n\`\`\``);
    expect(lines.join('\n')).toContain('"GITHUB_TOKEN"');
    expect(lines.join('\n')).not.toContain('ghp_');
  });
});
