import { statSync } from 'node:fs';
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
import { CONFIG_EXIT_CODE, USAGE_EXIT_CODE, UsageError } from '../config/usage-error.js';
import { verifyLogs } from './verify-command.js';
import { Progress, type ProgressStream } from '../offline/report-progress.js';

export interface AuditIo {
  readonly stdout: { write(text: string): unknown };
  /** Also shows progress on long reads, when it is a terminal. */
  readonly stderr: ProgressStream;
  /** For `MCP_OPA_SHIM_*` settings; defaults to `process.env`. */
  readonly env?: Env;
}

/**
 * 1: a finding (a tampered chain, a changed decision); 2: usage or unreadable log; 3: `verify`,
 * a session without its end record (see verify-command.ts); 78: bad policy.
 */
const EXIT_FINDING = 1;
const EXIT_BAD_INPUT = 2;

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
  mcp-opa-shim audit verify [--json] <log...>
      Check the hash chain. Exits 0: ok; 1: tampered (the first bad line is named);
      3: unterminated (a session has no end record: its writer was killed; the rest verifies).
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
      case 'verify': {
        const { logs, options } = parse(rest, [JSON_OPTION], env, 'verify');
        checkLogFiles(logs);
        return await verifyLogs(logs, options.has('json'), io);
      }
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

/** Before reading: a missing or unreadable file is reported by runAudit's file-error handling. */
function checkLogFiles(logs: readonly string[]): void {
  for (const log of logs) {
    if (statSync(log).isDirectory()) {
      throw new UsageError(
        `Expected an audit log file, got the directory \`${showValue(log)}\`; name a log file inside it.`,
      );
    }
  }
}

async function roots({ logs, options }: Parsed, io: AuditIo): Promise<number> {
  const builder = new RootsReportBuilder(
    normaliseRoots((options.get('root') ?? []).map((r) => r.value)),
  );
  await withProgress(io, 'audit roots', logs, async (onProgress) => {
    for await (const { record } of readDecisionRecords(logs, warn(io), onProgress))
      builder.add(record);
  });
  const report = builder.build();
  io.stdout.write(
    options.has('json') ? `${JSON.stringify(report, null, 2)}\n` : renderRoots(report),
  );
  return 0;
}

async function summary({ logs, options }: Parsed, io: AuditIo): Promise<number> {
  const builder = new SummaryBuilder(topCount(options));
  await withProgress(io, 'audit summary', logs, async (onProgress) => {
    for await (const located of readAuditRecords(logs, warn(io), onProgress)) builder.add(located);
  });
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
    if (thrown instanceof PolicyLoadError) return fail(io, CONFIG_EXIT_CODE, thrown.message);
    throw thrown;
  }
  try {
    const report = await withProgress(io, 'audit replay', logs, (onProgress) =>
      replayDecisions(readDecisionRecords(logs, warn(io), onProgress), engine, parsed.roots),
    );
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

/** Runs a long read with a progress meter on stderr when it is a terminal (never on stdout). */
async function withProgress<T>(
  io: AuditIo,
  label: string,
  logs: readonly string[],
  read: (onProgress: ((bytesRead: number) => void) | undefined) => Promise<T>,
): Promise<T> {
  checkLogFiles(logs);
  const progress = Progress.forFiles(io.stderr, label, logs);
  try {
    return await read(
      progress &&
        ((bytes) => {
          progress.update(bytes);
        }),
    );
  } finally {
    progress?.done();
  }
}

function warn(io: AuditIo): (problem: ReadProblem) => void {
  // On a terminal, start from a clean line: a progress meter may be drawn on it.
  const clear = io.stderr.isTTY === true ? '\r\x1b[K' : '';
  return (p) =>
    io.stderr.write(`${clear}mcp-opa-shim audit: ${p.file}:${p.line}: skipped, ${p.reason}\n`);
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
