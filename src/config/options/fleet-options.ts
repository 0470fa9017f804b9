import type { OptionSpec } from '../option-specs.js';
import type { RawOptions } from '../read-option-tokens.js';
import { existingFile, single, type OptionContext } from './value-checks.js';

/** `--config`: written out in full (not with defineOption) so that option-specs.ts can import it without a cycle. */
export const FLEET_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'config',
    kind: 'value',
    repeatable: false,
    fromEnv: true,
    valueName: '<file>',
    group: 'Fleet',
    summary:
      'OPA configuration (YAML/JSON): bundles over HTTP, signing keys, decision logs, status (docs/fleet.md)',
  },
];

export interface FleetOptions {
  /** Absolute path of the OPA configuration file, when `--config` is given. */
  readonly fleetConfigFile?: string;
}

/** `--config`: only that the file exists here; its content is read and checked at start-up. */
export function validateFleetOptions(options: RawOptions, context: OptionContext): FleetOptions {
  const raw = single(options, 'config');
  if (raw === undefined) return {};
  return {
    fleetConfigFile: existingFile(
      raw,
      context,
      'an existing OPA configuration file (.yaml, .yml or .json)',
    ),
  };
}
