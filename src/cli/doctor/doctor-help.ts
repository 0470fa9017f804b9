import { CLIENT_NAMES } from '../../clients/client-paths.js';
import { HELP_OPTION } from '../../config/option-specs.js';
import { DOCTOR_OPTIONS } from './doctor-arguments.js';

/** `mcp-opa-shim doctor --help`. */
export function doctorHelpText(version: string): string {
  const options = [...DOCTOR_OPTIONS, HELP_OPTION].flatMap((spec) => {
    const name = `  --${spec.name}${spec.valueName === undefined ? '' : ` ${spec.valueName}`}`;
    const line = name.padEnd(22) + spec.summary;
    return spec.defaultText === undefined
      ? [line]
      : [line, `${' '.repeat(22)}default: ${spec.defaultText}`];
  });
  return [
    `mcp-opa-shim ${version} doctor: check a wrapped server's setup without starting a client.`,
    '',
    'Usage:',
    '  mcp-opa-shim doctor [--json] [--timeout-ms <ms>] [shim options] -- <command> [args...]',
    '  mcp-opa-shim doctor (--file <client config> | --client <name>) [--json] [--timeout-ms <ms>]',
    '',
    'Checks, one line each with the fix: the shim options (as the shim parses them), the audit-log',
    'directory, `opa` for a .rego policy, the policy and data (schema, start-up probe), the server',
    'command, and a real `initialize` and `tools/list` through this shim around the server (its',
    'audit records go to a temporary file). With --file or --client: every server in a Claude',
    'Desktop, Claude Code, Cursor or VS Code config; HTTP servers are listed as not checked.',
    '',
    ...options,
    '',
    `Clients: ${CLIENT_NAMES.join(', ')}.`,
    '',
    'Exit status: 0 no check failed (warnings allowed); 1 a check failed; 2 bad usage.',
    '',
    'Example:',
    '  mcp-opa-shim doctor --root ~/projects -- npx -y @modelcontextprotocol/server-filesystem ~/projects',
    '',
  ].join('\n');
}
