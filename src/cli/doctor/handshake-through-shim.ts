import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type * as ClientModule from '@modelcontextprotocol/sdk/client/index.js';
import type * as StdioModule from '@modelcontextprotocol/sdk/client/stdio.js';
import { shimVersion } from '../../config/shim-version.js';
import { withoutOption } from './doctor-arguments.js';
import { check, messageOf, type DoctorCheck } from './doctor-check.js';

export interface HandshakeTarget {
  /** The script that runs this CLI (`process.argv[1]`): doctor checks the shim that is running. */
  readonly shimEntry: string;
  readonly shimOptions: readonly string[];
  readonly commandLine: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly timeoutMs: number;
  /** The pin file the shim would use (undefined: pinning off); doctor reads a copy of it. */
  readonly pinsFile?: string | undefined;
}

/**
 * The MCP SDK is loaded only here, through a require the bundler does not follow: the shim itself
 * never needs it, and every start would pay for it (scripts/bundle.mjs refuses a bundle with it).
 */
function loadSdk() {
  const load = createRequire(import.meta.url);
  const { Client } = load('@modelcontextprotocol/sdk/client/index.js') as typeof ClientModule;
  const { StdioClientTransport } = load(
    '@modelcontextprotocol/sdk/client/stdio.js',
  ) as typeof StdioModule;
  return { Client, StdioClientTransport };
}

const STDERR_LINES = 12;
/** A server whose cursor never ends must not keep doctor listing forever. */
const MAX_PAGES = 100;
/** SDK error codes for a closed connection and a request timeout. */
const CONNECTION_CLOSED = -32000;
const REQUEST_TIMEOUT = -32001;

/**
 * Runs the shim, with the same options, around the server, as a real MCP client: `initialize`,
 * then `tools/list` page by page. The shim's decisions go to a temporary audit log, so the
 * user's own (hash-chained, locked by a running shim) is never touched. Its tool pins are a copy
 * of the user's pin file: the listing is judged against them, and the real file never changes.
 */
export async function handshakeThroughShim(target: HandshakeTarget): Promise<DoctorCheck[]> {
  const dir = await mkdtemp(join(tmpdir(), 'mcp-opa-shim-doctor-'));
  const auditLog = join(dir, 'audit.jsonl');
  const pins = await pinsCopy(target.pinsFile, dir);
  const { Client, StdioClientTransport } = loadSdk();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      target.shimEntry,
      ...withoutOption(withoutOption(target.shimOptions, 'audit-log'), 'pins'),
      '--audit-log',
      auditLog,
      '--pins',
      pins,
      '--',
      ...target.commandLine,
    ],
    env: definedOnly(target.env),
    cwd: target.cwd,
    stderr: 'pipe',
  });
  const stderr = collectTail(transport.stderr as Readable | null);
  const client = new Client(
    { name: 'mcp-opa-shim-doctor', version: shimVersion() },
    { capabilities: {} },
  );
  try {
    try {
      await client.connect(transport, { timeout: target.timeoutMs });
    } catch (thrown) {
      await transport.close().catch(() => undefined);
      const denial = await deniedInitialize(auditLog);
      return [
        initializeFailure(thrown, target.timeoutMs, denial, stderr()),
        check('tools', 'skip', 'not listed: `initialize` failed.'),
      ];
    }
    const server = client.getServerVersion();
    const initialize = check(
      'initialize',
      'ok',
      `\`${server?.name ?? '?'}\` ${server?.version ?? '?'} answered \`initialize\` through the shim.`,
      { details: { server: server ?? null } },
    );
    if (client.getServerCapabilities()?.tools === undefined)
      return [initialize, check('tools', 'skip', 'the server offers no tools.')];
    return [initialize, await listTools(client, target.timeoutMs, stderr)];
  } finally {
    await client.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

async function listTools(
  client: ClientModule.Client,
  timeoutMs: number,
  stderr: () => string[],
): Promise<DoctorCheck> {
  const names: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  try {
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor }, {
        timeout: timeoutMs,
      });
      names.push(...page.tools.map((tool) => tool.name));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined && pages < MAX_PAGES);
  } catch (thrown) {
    return check(
      'tools',
      'fail',
      `\`tools/list\` through the shim failed: ${messageOf(thrown)}${stderrText(stderr())}`,
      {
        fix: 'If the policy denies `tools/list`, allow it for this principal; check with `mcp-opa-shim eval`.',
      },
    );
  }
  const details = { count: names.length, names };
  if (cursor !== undefined)
    return check(
      'tools',
      'warn',
      `\`tools/list\` still had a \`nextCursor\` after ${MAX_PAGES} pages (${names.length} tools); doctor stopped there.`,
      { fix: 'Check that the server ends its pagination.', details },
    );
  if (names.length === 0)
    return check('tools', 'warn', 'the policy lets no tool through (`tools/list` is empty).', {
      fix: 'Check the tool rules in your `--data` or policy (`mcp-opa-shim eval` shows single decisions).',
      details,
    });
  const shown = names.length > 5 ? `${names.slice(0, 5).join(', ')}, …` : `${names.join(', ')}.`;
  return check('tools', 'ok', `${names.length} tool(s) visible through the policy: ${shown}`, {
    details,
  });
}

interface Denial {
  readonly reasons: readonly string[];
  readonly message: string | undefined;
}

function initializeFailure(
  thrown: unknown,
  timeoutMs: number,
  denial: Denial | undefined,
  stderr: string[],
): DoctorCheck {
  const code = (thrown as { code?: unknown }).code;
  const tail = stderrText(stderr);
  const text = messageOf(thrown).replace(/^MCP error -?\d+: /, '');
  if (denial !== undefined) {
    const reasons = denial.reasons.length === 0 ? '' : ` (reasons: ${denial.reasons.join(', ')})`;
    return check(
      'initialize',
      'fail',
      `The policy denied \`initialize\`${reasons}: ${denial.message ?? text}`,
      {
        fix: 'Allow `initialize` for this principal in the policy; no client can connect while it is denied.',
        details: { reasons: denial.reasons },
      },
    );
  }
  if (code === REQUEST_TIMEOUT)
    return check(
      'initialize',
      'fail',
      `No answer to \`initialize\` within ${timeoutMs} ms.${tail}`,
      {
        fix: 'Check that the command starts an MCP stdio server; a first `npx` download can be slow: raise `--timeout-ms`.',
      },
    );
  const what =
    code === CONNECTION_CLOSED || typeof code !== 'number'
      ? `The shim or the server exited before answering \`initialize\` (${text}).`
      : `\`initialize\` through the shim failed with error ${code}: ${text}`;
  return check('initialize', 'fail', `${what}${tail}`, {
    fix: 'Read its stderr above; run the server command on its own to see why it stops.',
  });
}

/** The shim's decision on `initialize`, from the audit log it wrote, when the policy denied it. */
async function deniedInitialize(auditLog: string): Promise<Denial | undefined> {
  const text = await readFile(auditLog, 'utf8').catch(() => '');
  for (const line of text.split('\n')) {
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue;
    }
    const { type, action, input, result } = record as {
      type?: unknown;
      action?: unknown;
      input?: { message?: { method?: unknown } } | null;
      result?: { reasons?: unknown; message?: unknown } | null;
    };
    if (type !== 'decision' || action !== 'denied' || input?.message?.method !== 'initialize')
      continue;
    const reasons = Array.isArray(result?.reasons)
      ? result.reasons.filter((r): r is string => typeof r === 'string')
      : [];
    const message = typeof result?.message === 'string' ? result.message : undefined;
    return { reasons, message };
  }
  return undefined;
}

function stderrText(lines: string[]): string {
  return lines.length === 0
    ? ''
    : `\nIts stderr ended with:\n${lines.map((line) => `  ${line}`).join('\n')}`;
}

/** Keeps the last lines written to `stream`. */
function collectTail(stream: Readable | null): () => string[] {
  let text = '';
  stream?.setEncoding('utf8');
  stream?.on('data', (chunk: string) => {
    text = (text + chunk).slice(-16_384);
  });
  return () =>
    text
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '' && !isShimNoise(line))
      .slice(-STDERR_LINES);
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) result[name] = value;
  return result;
}

/** The shim's info logs and start-up warnings: the checks above already report them. */
function isShimNoise(line: string): boolean {
  if (line.startsWith('mcp-opa-shim: warning: ')) return true;
  if (!line.startsWith('{')) return false;
  try {
    const entry = JSON.parse(line) as { name?: unknown; level?: unknown };
    return entry.name === 'mcp-opa-shim' && typeof entry.level === 'number' && entry.level < 50;
  } catch {
    return false;
  }
}

/** `--pins` for the doctor's shim: a copy of the user's pin file (none yet: a fresh file), or off. */
async function pinsCopy(pinsFile: string | undefined, dir: string): Promise<string> {
  if (pinsFile === undefined) return 'off';
  const copy = join(dir, 'pins.json');
  try {
    await copyFile(pinsFile, copy);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return copy;
}
