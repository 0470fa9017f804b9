import { describe, expect, it } from 'vitest';
import { splitDoctorArguments, withoutOption } from '../../../src/cli/doctor/doctor-arguments.js';
import { parseCommandLine } from '../../../src/cli/parse-command-line.js';
import { UsageError } from '../../../src/config/usage-error.js';

describe('doctor arguments', () => {
  it('are dispatched whole to the doctor command', () => {
    expect(parseCommandLine(['doctor', '--json', '--', 'srv'], {})).toEqual({
      kind: 'doctor',
      argv: ['--json', '--', 'srv'],
    });
  });

  it('take doctor options out and leave the shim options and the command as given', () => {
    const args = splitDoctorArguments([
      '--json',
      '--root',
      '/tmp',
      '--timeout-ms=5000',
      '--audit-log',
      'a.jsonl',
      'node',
      'server.js',
      '--json',
    ]);
    expect(args).toMatchObject({
      json: true,
      timeoutMs: 5000,
      file: undefined,
      shimOptions: ['--root', '/tmp', '--audit-log', 'a.jsonl'],
      commandLine: ['node', 'server.js', '--json'],
      separated: false,
    });
  });

  it('read the word after an unknown option as its value when `--` follows', () => {
    const args = splitDoctorArguments(['--rol', 'admin', '--', 'node', 'server.js']);
    expect(args.shimOptions).toEqual(['--rol', 'admin']);
    expect(args.commandLine).toEqual(['node', 'server.js']);
  });

  it('refuse a bad --timeout-ms with the option, the value and the range', () => {
    expect(() => splitDoctorArguments(['--timeout-ms', 'soon', '--', 'x'])).toThrow(
      new UsageError(
        'Expected `--timeout-ms` to be an integer number of milliseconds from 1 to 600000, got `soon`.',
      ),
    );
  });

  it('drop every spelling of one option, keeping the rest', () => {
    expect(
      withoutOption(
        ['--audit-log', 'a', '--root', '/r', '--audit-log=b', '--no-watch'],
        'audit-log',
      ),
    ).toEqual(['--root', '/r', '--no-watch']);
  });
});
