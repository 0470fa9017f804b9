import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { CLIENT_NAMES, clientFile, type ClientName } from '../../clients/client-paths.js';
import {
  ClientConfigError,
  detectFormat,
  readServerEntries,
  type ClientFormat,
  type ServerEntry,
} from '../../clients/server-entries.js';
import { parseWrappedCommand } from '../../clients/wrapped-command.js';
import { shimVersion } from '../../config/shim-version.js';
import { showValue } from '../../config/show-value.js';
import { UsageError } from '../../config/usage-error.js';
import { checkServer } from './check-server.js';
import { check, messageOf, type DoctorCheck, type DoctorIo } from './doctor-check.js';
import { doctorSecrets, hideSecretsInChecks } from './hide-secrets.js';
import type { DoctorReport } from './render-checks.js';

/**
 * `doctor --file <client config>` or `--client <name>`: every server entry, wrapped or not; the wrapped ones get the
 * full server checks with their own shim options, command, env block and cwd. Remote (HTTP, SSE)
 * entries are listed as not checked: the shim wraps stdio servers only.
 */
export async function checkClientConfig(
  config: ClientConfigFile,
  timeoutMs: number,
  io: DoctorIo,
): Promise<DoctorReport> {
  const path = config.path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    const code = (thrown as NodeJS.ErrnoException).code ?? messageOf(thrown);
    return single(
      path,
      check('file', 'fail', `Cannot read ${config.option} \`${path}\` (${code}).`, {
        fix:
          code === 'ENOENT'
            ? 'Check the path, or add a server in the client first so that it writes the file.'
            : 'Check its permissions.',
      }),
    );
  }
  let format;
  let entries;
  try {
    format = config.format ?? detectFormat(path, text);
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
    const entryChecks = await checkEntry(entry, path, timeoutMs, io);
    const secrets = doctorSecrets({ ...io.env, ...entry.env });
    checks.push(...hideSecretsInChecks(entryChecks, secrets).map((c) => ({ ...c, entry: label })));
  }
  return { subject, checks };
}

async function checkEntry(
  entry: ServerEntry,
  path: string,
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
          fix: `Wrap it: \`mcp-opa-shim wrap --file ${path} --only ${entry.name}\`.`,
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

/** The config file to check: `--file <path>` or `--client <name>` (the client's own path). */
export interface ClientConfigFile {
  readonly path: string;
  /** Known from `--client`; detected from the file otherwise. */
  readonly format: ClientFormat | undefined;
  /** How messages name it: `` `--file` `` or `` `--client cursor` ``. */
  readonly option: string;
}

export function clientConfigFile(
  args: { readonly file: string | undefined; readonly client: string | undefined },
  io: DoctorIo,
): ClientConfigFile {
  const homeDir = io.env.HOME ?? homedir();
  if (args.client !== undefined) {
    const client = args.client;
    if (!(CLIENT_NAMES as readonly string[]).includes(client))
      throw new UsageError(
        `Expected \`--client\` to be one of ${CLIENT_NAMES.join(', ')}, got \`${showValue(client)}\`; use \`--file <path>\` for any other config file.`,
      );
    const place = { platform: process.platform, homeDir, cwd: io.cwd, env: io.env };
    const known = clientFile(client as ClientName, place);
    return { path: known.path, format: known.format, option: `\`--client ${client}\`` };
  }
  const raw = args.file ?? '';
  const expanded = raw === '~' ? homeDir : raw.startsWith('~/') ? join(homeDir, raw.slice(2)) : raw;
  return {
    path: isAbsolute(expanded) ? expanded : resolve(io.cwd, expanded),
    format: undefined,
    option: '`--file`',
  };
}
