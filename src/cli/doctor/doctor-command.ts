import { shimVersion } from '../../config/shim-version.js';
import { UsageError, USAGE_EXIT_CODE } from '../../config/usage-error.js';
import { checkServer } from './check-server.js';
import type { DoctorIo } from './doctor-check.js';
import { splitDoctorArguments } from './doctor-arguments.js';
import { doctorHelpText } from './doctor-help.js';
import { doctorSecrets, hideSecrets } from './hide-secrets.js';
import { renderJson, renderText, reportPassed, type DoctorReport } from './render-checks.js';

/** Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 bad doctor usage. */
const EXIT_FAILED = 1;

/** `mcp-opa-shim doctor [shim options] -- <server command>` or `doctor --file <client config>`. */
export async function runDoctor(argv: readonly string[], io: DoctorIo): Promise<number> {
  let report: DoctorReport;
  let json: boolean;
  try {
    const args = splitDoctorArguments(argv);
    if (args.special === 'help') {
      io.stdout.write(doctorHelpText(shimVersion()));
      return 0;
    }
    if (args.special === 'version') {
      io.stdout.write(`${shimVersion()}\n`);
      return 0;
    }
    json = args.json;
    if (args.file !== undefined || args.client !== undefined) {
      const option = args.file === undefined ? '--client' : '--file';
      if (args.file !== undefined && args.client !== undefined)
        throw new UsageError(
          'Expected one of `--file <path>` or `--client <name>`, got both; keep one.',
        );
      if (args.shimOptions.length > 0 || args.commandLine.length > 0)
        throw new UsageError(
          `Expected \`${option}\` alone, got shim options or a server command as well (\`${[...args.shimOptions, ...args.commandLine].join(' ')}\`): with \`${option}\`, each entry's own options and command are checked.`,
        );
      const { checkClientConfig, clientConfigFile } = await import('./check-client-config.js');
      report = await checkClientConfig(clientConfigFile(args, io), args.timeoutMs, io);
    } else {
      if (args.commandLine.length === 0)
        throw new UsageError(
          'Expected a server command after the options, e.g. `mcp-opa-shim doctor -- npx -y @modelcontextprotocol/server-memory`, or `--file <client config>` or `--client <name>`, got nothing.',
        );
      report = {
        subject: hideSecrets(args.commandLine.join(' '), doctorSecrets(io.env)),
        checks: await checkServer({
          shimOptions: args.shimOptions,
          commandLine: args.commandLine,
          separated: args.separated,
          env: io.env,
          cwd: io.cwd,
          timeoutMs: args.timeoutMs,
          shimEntry: io.shimEntry,
        }),
      };
    }
  } catch (thrown) {
    if (!(thrown instanceof UsageError)) throw thrown;
    io.stderr.write(`mcp-opa-shim doctor: ${thrown.message}\n`);
    return USAGE_EXIT_CODE;
  }
  io.stdout.write(json ? renderJson(report) : renderText(report));
  return reportPassed(report) ? 0 : EXIT_FAILED;
}
