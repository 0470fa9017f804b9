import { beforeAll, describe, expect, it } from 'vitest';
import { normaliseRoots } from '../../src/offline/path-in-roots.js';
import { readDecisionRecords } from '../../src/offline/read-audit-records.js';
import { RootsReportBuilder, type RootsReport } from '../../src/offline/roots-report.js';
import { compileEngine } from '../audit/helpers/wasm-engine.js';
import { recordSession } from './helpers/recorded-session.js';

let log: string;

beforeAll(async () => {
  log = recordSession(await compileEngine(['baseline.rego', 'system-log.rego']));
});

async function report(roots: string[] = []): Promise<RootsReport> {
  const builder = new RootsReportBuilder(normaliseRoots(roots));
  for await (const { record } of readDecisionRecords([log])) builder.add(record);
  return builder.build();
}

describe('roots report', () => {
  it('lists every path read or attempted, by principal and tool, with allowed and denied counts', async () => {
    const { rows } = await report();
    expect(
      rows.map((r) => [r.principal, r.operation, r.path, r.within_roots, r.allowed, r.denied]),
    ).toEqual([
      ['alice', 'read_text_file', '/etc/passwd', false, 0, 1],
      ['alice', 'read_text_file', '/srv/projects/README.md', true, 2, 0],
      ['alice', 'write_file', '/srv/projects/notes.txt', true, 0, 1],
      ['bob', 'get_file_info', '/srv/projects/src/main.ts', true, 1, 0],
      ['bob', 'list_directory', '/srv/projects', true, 1, 0],
      ['bob', 'read_text_file', '/home/bob/.ssh/id_ed25519', false, 0, 1],
    ]);
    expect(rows[1]).toMatchObject({ root: '/srv/projects', server: 'filesystem', forwarded: 2 });
  });

  it('judges paths against other roots when --root is given', async () => {
    const { rows, roots } = await report(['/srv/projects/src', '/home/bob']);
    expect(roots).toEqual(['/srv/projects/src', '/home/bob']);
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r.root]));
    expect(byPath).toEqual({
      '/etc/passwd': null,
      '/srv/projects/README.md': null,
      '/srv/projects/notes.txt': null,
      '/srv/projects/src/main.ts': '/srv/projects/src',
      '/srv/projects': null,
      '/home/bob/.ssh/id_ed25519': '/home/bob',
    });
  });

  it('does not count a root prefix that is not a directory boundary as inside', async () => {
    const { rows } = await report(['/srv/proj']);
    expect(rows.every((r) => !r.within_roots)).toBe(true);
  });
});
