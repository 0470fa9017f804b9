import type { RawOptions } from '../read-option-tokens.js';
import { existingFile, single, type OptionContext } from './value-checks.js';

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
