import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO } from '../../helpers/shim-process.js';
import {
  checkOf,
  FILESYSTEM_SERVER,
  MEMORY_SERVER,
  runDoctor,
  runDoctorJson,
} from './run-doctor.js';

let work: string;

beforeAll(() => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'doctor-healthy-')));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const IDS = ['options', 'opa', 'policy', 'audit-log', 'command', 'initialize', 'tools'];

describe('mcp-opa-shim doctor on a sound setup', () => {
  it('passes for server-filesystem with a root, naming the server and its visible tools', () => {
    const { status, stdout } = runDoctor([
      '--root',
      work,
      '--',
      process.execPath,
      FILESYSTEM_SERVER,
      work,
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^ok {4}options {5}valid: policy embedded, principal `[^`]+`, server id `server-filesystem`, mode enforce\.$/m,
    );
    expect(stdout).toMatch(
      /^ok {4}initialize {2}`secure-filesystem-server` \S+ answered `initialize` through the shim\.$/m,
    );
    expect(stdout).toMatch(
      /^ok {4}tools {7}\d+ tool\(s\) visible through the policy: .*read_text_file/m,
    );
    expect(stdout).toMatch(/^No problems found \(7 checks, 0 warning\(s\)\)\.$/m);
  });

  it('passes for server-memory and counts only the tools the policy lets through', () => {
    const all = runDoctorJson(['--', process.execPath, MEMORY_SERVER]);
    expect(all.status).toBe(0);
    const allNames = checkOf(all.report.checks, 'tools').details?.names as string[];
    expect(allNames).toContain('read_graph');
    expect(allNames.length).toBeGreaterThan(2);

    const data = join(work, 'two-tools.yaml');
    writeFileSync(data, 'allowed_tools:\n  "*": [read_graph, search_nodes]\n');
    const narrowed = runDoctorJson(['--data', data, '--', process.execPath, MEMORY_SERVER]);
    expect(narrowed.status).toBe(0);
    const tools = checkOf(narrowed.report.checks, 'tools');
    expect(tools.status).toBe('ok');
    expect(tools.details).toEqual({ count: 2, names: ['read_graph', 'search_nodes'] });
    expect(checkOf(narrowed.report.checks, 'policy').summary).toContain(
      '1 data file(s) valid against the data schema',
    );
    expect(checkOf(narrowed.report.checks, 'initialize').details).toEqual({
      server: { name: 'memory-server', version: expect.any(String) },
    });
  });

  it('follows tools/list pages to the end (five tools in pages of two)', () => {
    const paged = join(REPO, 'test/e2e/helpers/paged-list-server.mjs');
    const { status, report } = runDoctorJson(['--', process.execPath, paged]);
    expect(status).toBe(0);
    expect(checkOf(report.checks, 'tools').details).toEqual({
      count: 5,
      names: ['tool-1', 'tool-2', 'tool-3', 'tool-4', 'tool-5'],
    });
  });

  it('reports a missing audit-log directory as one the shim will create, and never writes the audit log itself', () => {
    const auditLog = join(work, 'new-dir', 'audit.jsonl');
    const { report } = runDoctorJson([
      '--audit-log',
      auditLog,
      '--',
      process.execPath,
      MEMORY_SERVER,
    ]);
    expect(checkOf(report.checks, 'audit-log')).toEqual({
      id: 'audit-log',
      status: 'ok',
      summary: `\`${auditLog}\`: its directory \`${join(work, 'new-dir')}\` does not exist; it will be created (mode 0700) under \`${work}\`.`,
    });
    expect(existsSync(join(work, 'new-dir'))).toBe(false);

    const existing = join(work, 'audit.jsonl');
    const run = runDoctorJson(['--audit-log', existing, '--', process.execPath, MEMORY_SERVER]);
    expect(run.status).toBe(0);
    expect(checkOf(run.report.checks, 'audit-log').summary).toBe(
      `\`${existing}\`: the directory is writable; the file will be created.`,
    );
    expect(checkOf(run.report.checks, 'initialize').status).toBe('ok');
    // The handshake's records went to a temporary file, not into the user's hash chain.
    expect(existsSync(existing)).toBe(false);
  });
});

describe('mcp-opa-shim doctor output', () => {
  it('hides a credential passed as a server argument, as the shim would', () => {
    const secret = 'ghp_doctorSecretValue123';
    const { status, stdout } = runDoctor(['--', process.execPath, MEMORY_SERVER, secret], {
      env: { DOCTOR_API_TOKEN: secret },
    });
    expect(status).toBe(0);
    expect(stdout).not.toContain(secret);
    expect(stdout).toContain(
      `mcp-opa-shim doctor: ${process.execPath} ${MEMORY_SERVER} [redacted:DOCTOR_API_TOKEN]\n`,
    );
  });
});

describe('mcp-opa-shim doctor --json', () => {
  it('prints { ok, subject, checks: [{ id, status, summary, fix?, details? }] } in check order', () => {
    const { status, stdout, report } = runDoctorJson(['--', process.execPath, MEMORY_SERVER]);
    expect(status).toBe(0);
    expect(Object.keys(report)).toEqual(['ok', 'subject', 'checks']);
    expect(report.ok).toBe(true);
    expect(report.subject).toBe(`${process.execPath} ${MEMORY_SERVER}`);
    expect(report.checks.map((c) => c.id)).toEqual(IDS);
    for (const c of report.checks) {
      expect(['ok', 'warn', 'fail', 'skip']).toContain(c.status);
      expect(typeof c.summary).toBe('string');
      for (const key of Object.keys(c))
        expect(['id', 'status', 'summary', 'fix', 'details']).toContain(key);
    }
    expect(stdout.endsWith('}\n')).toBe(true);
  });

  it('says ok: false and exits 1 when a check fails', () => {
    const { status, report } = runDoctorJson(['--', 'mcp-doctor-no-such-server']);
    expect(status).toBe(1);
    expect(report.ok).toBe(false);
    expect(checkOf(report.checks, 'command').fix).toEqual(expect.any(String));
  });
});
