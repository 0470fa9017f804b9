import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { parseArgs, promisify } from 'node:util';
import { checkAuditCases, renderAuditCases } from '../offline/audit-cases.js';
import { readDecisionRecords } from '../offline/read-audit-records.js';
import { findOpa, opaMissingText } from '../policy/find-opa.js';
import { loadData } from '../policy/load-data.js';
import type { DataDocument } from '../policy/merge-data.js';
import { loadEngine } from '../policy/load-engine.js';
import {
  defaultRegoPaths,
  policyDirConfig,
  projectDataSchema,
  readPolicyDir,
  type PolicyDir,
} from '../policy/policy-dir.js';
import { PolicyLoadError, thrownText } from '../policy/policy-load-error.js';
import { validateData } from '../policy/validate-data.js';
import { CONFIG_EXIT_CODE, USAGE_EXIT_CODE } from '../config/usage-error.js';

const run = promisify(execFile);

export const TEST_USAGE = `mcp-opa-shim test: run a policy project's tests with the shipped default policy.

Usage:
  mcp-opa-shim test [dir] [-v] [--from-audit <log.jsonl>]

  dir                      the project (default: the current directory)
  -v, --verbose            list every test (opa test -v)
  --from-audit <log.jsonl> also replay an audit log: each recorded decision is a test case, its
                           recorded input evaluated with the project's policy (rules + default
                           policy + data) and compared with the recorded allow and reasons.
                           Records whose input or result was erased by masking are skipped.

Checks the data against the default schema, then runs \`opa test\` over the project's .rego
files (rules and *_test.rego) together with the default policy and the data (the opa on PATH,
or the one scripts/install-opa.sh installed).

Exit status: 0 every test passed and no audit case differs; 1 a test failed, opa test reported
an error (shown), or a case differs; 2 bad usage; 78 the data is invalid, opa is missing, or
the rules cannot be compiled for --from-audit.
`;

const EXIT_FAILED = 1;

export interface TestIo {
  readonly stdout: Writable;
  readonly stderr: Writable;
}

/** `mcp-opa-shim test [dir] [--from-audit log]`. */
export async function runTest(argv: readonly string[], io: TestIo): Promise<number> {
  const fail = (code: number, message: string): number => {
    io.stderr.write(`mcp-opa-shim test: ${message}\n`);
    return code;
  };
  let values: { 'from-audit'?: string | undefined; verbose?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        'from-audit': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    }));
  } catch (thrown) {
    return fail(USAGE_EXIT_CODE, `${(thrown as Error).message}. Run \`mcp-opa-shim test --help\`.`);
  }
  if (values.help === true) {
    io.stdout.write(TEST_USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    return fail(
      USAGE_EXIT_CODE,
      `Expected at most one project folder, got ${positionals.map((p) => `\`${p}\``).join(', ')}. Write \`mcp-opa-shim test <dir>\`.`,
    );
  }
  const auditLog = values['from-audit'];
  try {
    const policyDir = await readPolicyDir(positionals[0] ?? '.', 'mcp-opa-shim test');
    const { schema, name } = await projectDataSchema(policyDir);
    const data = await loadData(policyDir.dataFiles, (value, what) => {
      validateData(value, what, schema, name);
    });
    if (policyDir.tests.length === 0 && auditLog === undefined) {
      return fail(
        EXIT_FAILED,
        `No tests in \`${policyDir.dir}\`: add a \`*_test.rego\` file (\`mcp-opa-shim init\` writes rules_test.rego), or give \`--from-audit <log.jsonl>\`.`,
      );
    }
    let passed = true;
    if (policyDir.tests.length > 0)
      passed = await opaTest(policyDir, data, values.verbose === true, io);
    if (auditLog !== undefined) passed = (await auditCases(policyDir, auditLog, io)) && passed;
    return passed ? 0 : EXIT_FAILED;
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) return fail(CONFIG_EXIT_CODE, thrown.message);
    throw thrown;
  }
}

/**
 * `opa test` over the project with the default policy; its report goes to stdout. The data goes
 * in as the shim reads it (the files parsed, validated and merged, as one JSON file): opa would
 * refuse an empty YAML file that the shim accepts.
 */
async function opaTest(
  policyDir: PolicyDir,
  data: DataDocument,
  verbose: boolean,
  io: TestIo,
): Promise<boolean> {
  const opa = findOpa();
  if (opa === undefined) throw new PolicyLoadError(opaMissingText('`mcp-opa-shim test`'));
  const work = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-test-'));
  try {
    const dataJson = join(work, 'data.json');
    await writeFile(dataJson, JSON.stringify(data));
    // Project files by name (opa's report names them so); the rest by absolute path.
    const files = [...policyDir.rules, ...policyDir.tests].map((path) => basename(path));
    const args = ['test', ...(verbose ? ['-v'] : []), ...files, ...defaultRegoPaths(), dataJson];
    try {
      const { stdout, stderr } = await run(opa, args, {
        cwd: policyDir.dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      io.stdout.write(stdout);
      io.stderr.write(stderr);
      return true;
    } catch (thrown) {
      const { stdout, stderr, code } = thrown as {
        stdout?: string;
        stderr?: string;
        code?: unknown;
      };
      if (typeof code !== 'number') {
        throw new PolicyLoadError(`Cannot run \`${opa} test\`: ${thrownText(thrown)}.`);
      }
      io.stdout.write(stdout ?? '');
      io.stderr.write(stderr ?? '');
      return false;
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Replays the audit log's decisions against the project's policy; prints the differences. */
async function auditCases(policyDir: PolicyDir, rawLog: string, io: TestIo): Promise<boolean> {
  const engine = await loadEngine(policyDirConfig(policyDir));
  try {
    let problems = 0;
    const records = readDecisionRecords([rawLog], () => (problems += 1));
    let report;
    try {
      report = await checkAuditCases(records, engine);
    } catch (thrown) {
      throw new PolicyLoadError(
        `Cannot read \`--from-audit\` file \`${rawLog}\`: ${thrownText(thrown)}. Give an audit log written with \`--audit-log\`.`,
      );
    }
    io.stdout.write(renderAuditCases(report, rawLog));
    if (problems > 0) {
      io.stderr.write(
        `mcp-opa-shim test: ${String(problems)} line(s) of \`${rawLog}\` are not audit records and were not replayed (\`mcp-opa-shim audit verify ${rawLog}\` says more).\n`,
      );
    }
    if (report.evaluated === 0) {
      io.stderr.write(
        `mcp-opa-shim test: \`--from-audit\` \`${rawLog}\` has no decision to replay: a check of nothing does not pass.\n`,
      );
      return false;
    }
    return report.differences.length === 0;
  } finally {
    engine.close();
  }
}
