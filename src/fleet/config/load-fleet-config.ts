import { readFile } from 'node:fs/promises';
import { FleetConfigError, type FleetConfig } from './fleet-config.js';
import { readOpaConfig } from './read-opa-config.js';

/** Reads and parses the `--config` file; throws FleetConfigError naming the file and the fix. */
export async function loadFleetConfig(path: string, env: NodeJS.ProcessEnv): Promise<FleetConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (thrown) {
    throw new FleetConfigError(
      `Cannot read \`--config\` file \`${path}\`: ${thrown instanceof Error ? thrown.message : String(thrown)}. Check the path.`,
      { cause: thrown },
    );
  }
  return readOpaConfig(text, path, env);
}
