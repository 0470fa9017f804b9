import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import {
  ClientConfigError,
  detectFormat,
  readServerEntries,
  type ServerEntry,
} from '../../clients/server-entries.js';
import { parseWrappedCommand } from '../../clients/wrapped-command.js';
import { shimVersion } from '../../config/shim-version.js';
import { checkServer } from './check-server.js';
import { check, messageOf, type DoctorCheck } from './doctor-check.js';
import type { DoctorIo } from './doctor-command.js';
import type { DoctorReport } from './render-checks.js';

/**
 * `doctor --file <client config>`: every server entry, wrapped or not; the wrapped ones get the
 * full server checks with their own shim options, command, env block and cwd. Remote (HTTP, SSE)
 * entries are listed as not checked: the shim wraps stdio servers only.
 */
export async function checkClientConfig(
  rawFile: string,
  timeoutMs: number,
  io: DoctorIo,
): Promise<DoctorReport> {
  const path = expandPath(rawFile, io);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code ?? messageOf(thrown);
    return single(
      path,
      check('file', 'fail', `Cannot read \`--file\` \`${path}\` (${code}).`, {
        fix: 'Give the path of a client config, e.g. `~/.cursor/mcp.json` or `.vscode/mcp.json`.',
      }),
    );
  }
  let format;
  let entries;
  try {
    format = detectFormat(path, text);
    entries = readServerEntries(text, format);
  } catch (thrown) {
    if (!(thrown instanceof ClientConfigError)) throw thrown;
    return single(
      path,
      check('file', 'fail', `\`${path}\` ${thrown.message}.`, {
        fix: 'Fix the file so that its client can read it.',
      }),
    );
  }
  const subject = `${path} (${format})`;
  const checks: DoctorCheck[] = [
    entries.length === 0
      ? check('file', 'warn', `\`${path}\` (${format}) lists no servers.`, {
          fix: 'Check that this is the config your client reads.',
        })
      : check('file', 'ok', `\`${path}\`: ${format} config with ${entries.length} server(s).`, {
          details: { format, servers: entries.length },
        }),
  ];
  for (const entry of entries) {
    const label = entry.scope === undefined ? entry.name : `${entry.scope}: ${entry.name}`;
    const entryChecks = await checkEntry(entry, timeoutMs, io);
    checks.push(...entryChecks.map((c) => ({ ...c, entry: label })));
  }
  return { subject, checks };
}

async function checkEntry(
  entry: ServerEntry,
  timeoutMs: number,
  io: DoctorIo,
): Promise<DoctorCheck[]> {
  if (entry.transport !== 'stdio')
    return [
      check(
        'entry',
        'skip',
        `${entry.transport.toUpperCase()} server${entry.url === undefined ? '' : ` at \`${entry.url}\``}: not checked, the shim wraps stdio servers only.`,
        {
          details: { transport: entry.transport, wrapped: false },
        },
      ),
    ];
  if (entry.command === undefined)
    return [
      check('entry', 'fail', 'stdio entry without a `command`.', {
        fix: 'Give the entry a `command`.',
      }),
    ];
  const wrapped = parseWrappedCommand(entry.command, entry.args);
  const commandText = [entry.command, ...entry.args].join(' ');
  if (wrapped === undefined)
    return [
      check(
        'entry',
        'warn',
        `not wrapped: \`${commandText}\` runs without the shim, so no policy applies to it.`,
        {
          fix: 'Wrap it with `mcp-opa-shim wrap`, or put `mcp-opa-shim [options] --` before its command.',
          details: { transport: 'stdio', wrapped: false },
        },
      ),
    ];
  const commandLine =
    wrapped.serverCommand === '' ? [] : [wrapped.serverCommand, ...wrapped.serverArgs];
  const separated =
    wrapped.serverCommandIndex > wrapped.shimArgsIndex &&
    entry.args[wrapped.serverCommandIndex - 1] === '--';
  const header = check(
    'entry',
    'ok',
    `wrapped: \`${commandLine.join(' ')}\` runs through the shim (checked with this shim, ${shimVersion()}).`,
    { details: { transport: 'stdio', wrapped: true } },
  );
  return [
    header,
    ...(await checkServer({
      shimOptions: wrapped.shimArgs,
      commandLine,
      separated,
      // What the client gives the server: its own environment plus the entry's `env` block.
      env: { ...io.env, ...entry.env },
      cwd: entry.cwd === undefined ? io.cwd : resolve(io.cwd, entry.cwd),
      timeoutMs,
      shimEntry: io.shimEntry,
    })),
  ];
}

function single(path: string, only: DoctorCheck): DoctorReport {
  return { subject: path, checks: [only] };
}

function expandPath(raw: string, io: DoctorIo): string {
  const home = io.env.HOME ?? homedir();
  const expanded = raw === '~' ? home : raw.startsWith('~/') ? join(home, raw.slice(2)) : raw;
  return isAbsolute(expanded) ? expanded : resolve(io.cwd, expanded);
}
