import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type DataDocument, isPlainObject, mergeData } from './merge-data.js';
import { PolicyLoadError, thrownText } from './policy-load-error.js';

/** Parses one `--data` file: `.json` as JSON, `.yaml`/`.yml` as YAML, anything else JSON first, then YAML. */
export function parseDataFile(text: string, path: string): DataDocument {
  const extension = extname(path).toLowerCase();
  let value: unknown;
  try {
    if (extension === '.json') value = JSON.parse(text);
    else if (extension === '.yaml' || extension === '.yml') value = parseYaml(text);
    else value = parseJsonOrYaml(text);
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

function parseJsonOrYaml(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return parseYaml(text);
  }
}

/** Reads and deep-merges the `--data` files in order: later files win on conflicting keys. */
export async function loadData(paths: readonly string[]): Promise<DataDocument> {
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
    merged = mergeData(merged, parseDataFile(text, path));
  }
  return merged;
}
