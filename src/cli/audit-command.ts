import { verifyAuditLog } from '../audit/verify-audit-log.js';
import { defineOption, type OptionSpec } from '../config/option-specs.js';
import { parsePolicyArguments } from '../config/parse-policy-arguments.js';
import { withEnvOptions, type Env } from '../config/read-env-options.js';
import { readOptionTokens, type RawOptions } from '../config/read-option-tokens.js';
import { showValue } from '../config/show-value.js';
import { normaliseRoots } from '../offline/path-in-roots.js';
import {
  readAuditRecords,
  readDecisionRecords,
  type ReadProblem,
} from '../offline/read-audit-records.js';
import { renderReplay, renderRoots, renderSummary } from '../offline/render-reports.js';
import { replayDecisions } from '../offline/replay-decisions.js';
import { RootsReportBuilder } from '../offline/roots-report.js';
import { SummaryBuilder } from '../offline/summarize-records.js';
import { createPolicyEngine } from '../policy/create-policy-engine.js';
import { PolicyLoadError } from '../policy/policy-load-error.js';
import { UsageError, USAGE_EXIT_CODE } from '../config/usage-error.js';

export interface AuditIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** For `MCP_OPA_SHIM_*` settings; defaults to `process.env`. */
  readonly env?: Env;
}

/** 1: a finding (a broken chain, a changed decision); 2: usage or unreadable log; 78: bad policy. */
const EXIT_FINDING = 1;
const EXIT_BAD_INPUT = 2;
const EXIT_POLICY_FAILED = 78;

const GROUP = 'Audit';
const JSON_OPTION = defineOption({
  name: 'json',
  kind: 'flag',
  fromEnv: false,
  group: GROUP,
  summary: 'print JSON instead of a table',
});
const TOP_OPTION = defineOption({
  name: 'top',
  valueName: '<n>',
  fromEnv: false,
  group: GROUP,
  summary: 'how many of the slowest evaluations to list',
  defaultText: '10',
});
/** Offline roots need not exist on this machine, unlike the shim's `--root`. */
const OFFLINE_ROOT = defineOption({
  name: 'root',
  valueName: '<dir>',
  repeatable: true,
  group: 'File roots',
  summary: 'judge paths against this directory instead of the recorded judgement',
});

const USAGE = `Usage:
  mcp-opa-shim audit verify <log...>
      Check the hash chain: exits 1 with the first bad line.
  mcp-opa-shim audit roots [--root <dir>...] [--json] <log...>
      Every file path read or attempted, by principal and tool, inside or outside the roots.
  mcp-opa-shim audit replay [--policy <file>] [--data <file>...] [--entrypoint <path>] [--root <dir>...] [--json] <log...>
      Re-evaluate recorded inputs against a candidate policy (the embedded one by default);
      exits 1 when any decision would change.
  mcp-opa-shim audit summary [--top <n>] [--json] <log...>
      Counts by principal, server, operation, decision and action; the slowest evaluations.
`;

/** `mcp-opa-shim audit <command> ...`; `argv` is everything after `audit`. Resolves with the exit code. */
export async function runAudit(argv: string[], io: AuditIo): Promise<number> {
  const [command, ...rest] = argv;
  const env = io.env ?? process.env;
  try {
    switch (command) {
      case undefined:
        throw new UsageError(
          'Expected an audit command: `verify`, `roots`, `replay` or `summary`. Run `mcp-opa-shim audit --help`.',
        );
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(USAGE);
        return 0;
      case 'verify':
        return await verify(parse(rest, [], env, 'verify'), io);
      case 'roots':
        return await roots(parse(rest, [OFFLINE_ROOT, JSON_OPTION], env, 'roots'), io);
      case 'summary':
        return await summary(parse(rest, [TOP_OPTION, JSON_OPTION], env, 'summary'), io);
      case 'replay':
        return await replay(rest, env, io);
      default:
        throw new UsageError(
          `Unknown audit command \`${showValue(command)}\`; expected \`verify\`, \`roots\`, \`replay\` or \`summary\`.`,
        );
    }
  } catch (error) {
    if (error instanceof UsageError) return fail(io, USAGE_EXIT_CODE, error.message);
    if (error instanceof HelpShown) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (isFileError(error))
      return fail(
        io,
        EXIT_BAD_INPUT,
        `Cannot read audit log \`${error.path}\` (${error.code}). Check the path.`,
      );
    throw error;
  }
}

interface Parsed {
  readonly logs: readonly string[];
  readonly options: RawOptions;
}

class HelpShown extends Error {}

function parse(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  env: Env,
  command: string,
): Parsed {
  const usage = `mcp-opa-shim audit ${command}`;
  const tokens = readOptionTokens(argv, specs, { positionals: 'collect', usage });
  if (tokens.special !== undefined) throw new HelpShown();
  return {
    logs: requireLogs(tokens.rest, usage),
    options: withEnvOptions(tokens.options, env, specs),
  };
}

function requireLogs(logs: readonly string[], usage: string): readonly string[] {
  if (logs.length === 0)
    throw new UsageError(
      `Expected at least one audit log file for \`${usage}\`, got none; write \`${usage} <log...>\`.`,
    );
  return logs;
}

async function verify({ logs }: Parsed, io: AuditIo): Promise<number> {
  let code = 0;
  for (const log of logs) {
    const result = await verifyAuditLog(log);
    if (result.ok) {
      io.stdout.write(
        `${log}: ok, ${result.lines} lines, ${result.records} records in ${result.sessions} session(s); last line sha256 ${result.headHash}\n`,
      );
    } else {
      io.stderr.write(`${log}:${result.line}: ${result.reason}\n`);
      code = EXIT_FINDING;
    }
  }
  return code;
}

async function roots({ logs, options }: Parsed, io: AuditIo): Promise<number> {
  const builder = new RootsReportBuilder(
    normaliseRoots((options.get('root') ?? []).map((r) => r.value)),
  );
  for await (const { record } of readDecisionRecords(logs, warn(io))) builder.add(record);
  const report = builder.build();
  io.stdout.write(
    options.has('json') ? `${JSON.stringify(report, null, 2)}\n` : renderRoots(report),
  );
  return 0;
}

async function summary({ logs, options }: Parsed, io: AuditIo): Promise<number> {
  const builder = new SummaryBuilder(topCount(options));
  for await (const located of readAuditRecords(logs, warn(io))) builder.add(located);
  const result = builder.build();
  io.stdout.write(
    options.has('json') ? `${JSON.stringify(result, null, 2)}\n` : renderSummary(result),
  );
  return 0;
}

async function replay(argv: readonly string[], env: Env, io: AuditIo): Promise<number> {
  const usage = 'mcp-opa-shim audit replay';
  const parsed = parsePolicyArguments(argv, env, { usage, extraOptions: [JSON_OPTION] });
  if (parsed.special !== undefined) throw new HelpShown();
  const logs = requireLogs(parsed.operands, usage);
  let engine;
  try {
    engine = await createPolicyEngine({ ...parsed.policy, watch: false });
  } catch (thrown) {
    if (thrown instanceof PolicyLoadError) return fail(io, EXIT_POLICY_FAILED, thrown.message);
    throw thrown;
  }
  try {
    const report = await replayDecisions(readDecisionRecords(logs, warn(io)), engine, parsed.roots);
    const json = parsed.extra.has('json');
    io.stdout.write(
      json
        ? `${JSON.stringify({ policy: engine.revision, data: parsed.policy.dataFiles, ...report }, null, 2)}\n`
        : renderReplay(report, engine.revision, parsed.policy.dataFiles),
    );
    return report.changed.length > 0 ? EXIT_FINDING : 0;
  } finally {
    engine.close();
  }
}

function topCount(options: RawOptions): number {
  const raw = options.get('top')?.[0];
  if (raw === undefined) return 10;
  const n = Number(raw.value);
  if (!Number.isInteger(n) || n < 0) {
    throw new UsageError(
      `Expected ${raw.label} to be a non-negative integer, got \`${showValue(raw.value)}\`; write e.g. \`--top 20\`.`,
    );
  }
  return n;
}

function warn(io: AuditIo): (problem: ReadProblem) => void {
  return (p) => io.stderr.write(`mcp-opa-shim audit: ${p.file}:${p.line}: skipped, ${p.reason}\n`);
}

function fail(io: AuditIo, code: number, message: string): number {
  io.stderr.write(`mcp-opa-shim audit: ${message}\n`);
  return code;
}

function isFileError(error: unknown): error is NodeJS.ErrnoException & { path: string } {
  return (
    error instanceof Error && 'code' in error && 'path' in error && typeof error.path === 'string'
  );
}
