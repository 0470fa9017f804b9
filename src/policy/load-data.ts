import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { type DataDocument, isPlainObject, mergeData } from './merge-data.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';

/** Parses one `--data` file: `.json` as JSON, `.yaml`/`.yml` as YAML, anything else JSON first, then YAML. */
export async function parseDataFile(text: string, path: string): Promise<DataDocument> {
  const extension = extname(path).toLowerCase();
  let value: unknown;
  try {
    if (extension === '.json') value = JSON.parse(text);
    else if (extension === '.yaml' || extension === '.yml') value = await parseYaml(text);
    else value = await parseJsonOrYaml(text);
  } catch (thrown) {
    throw new PolicyLoadError(
      `Cannot parse \`--data\` file \`${path}\`: ${thrownText(thrown)}. Fix the file (JSON or YAML).`,
    );
  }
  if (value === null || value === undefined) return {};
  if (!isPlainObject(value)) {
    const got = Array.isArray(value) ? 'an array' : typeof value;
    throw new PolicyLoadError(
      `Expected \`--data\` file \`${path}\` to hold an object (a mapping of keys), got ${got}.`,
    );
  }
  return value;
}

async function parseJsonOrYaml(text: string): Promise<unknown> {
  try {
    return JSON.parse(text);
  } catch {
    return parseYaml(text);
  }
}

/** The YAML parser is loaded only for YAML data: most runs have none, and it is a large module. */
async function parseYaml(text: string): Promise<unknown> {
  const yaml = await import('yaml');
  return yaml.parse(text) as unknown;
}

/**
 * Reads and deep-merges the `--data` files in order: later files win on conflicting keys.
 * `check` sees each file on its own first, so that an error names the file it is in.
 */
export async function loadData(
  paths: readonly string[],
  check: (data: DataDocument, what: string) => void = () => undefined,
): Promise<DataDocument> {
  let merged: DataDocument = {};
  for (const path of paths) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (thrown) {
      throw new PolicyLoadError(
        `Cannot read \`--data\` file \`${path}\`: ${thrownText(thrown)}. Check the path.`,
      );
    }
    const data = await parseDataFile(text, path);
    check(data, `\`--data\` file \`${path}\``);
    merged = mergeData(merged, data);
  }
  return merged;
}
