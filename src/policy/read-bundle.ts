import { PolicyLoadError, thrownText } from './policy-load-error.js';
import { readTarGz } from './read-tar.js';
import { type DataDocument, isPlainObject, mergeData, nestData } from './merge-data.js';

export interface Bundle {
  readonly wasm: Uint8Array;
  /** All `data.json` files, each placed at the data path of its directory. */
  readonly data: DataDocument;
  /** `.manifest` `revision`, when set and non-empty. */
  readonly revision?: string;
}

/** Reads an OPA bundle (`opa build -t wasm`): `/policy.wasm`, `data.json` files and `/.manifest`. */
export function readBundle(file: Uint8Array, path: string): Bundle {
  const fail = (why: string): never => {
    throw new PolicyLoadError(
      `Cannot load \`--policy\` bundle \`${path}\`: ${why}. Build one with \`opa build -t wasm -e mcp/decision policy.rego\`.`,
    );
  };
  let files: Map<string, Buffer>;
  try {
    files = readTarGz(file);
  } catch (thrown) {
    return fail(`not a gzipped tar archive (${thrownText(thrown)})`);
  }
  const wasm = files.get('/policy.wasm');
  if (wasm === undefined) return fail('it has no /policy.wasm');

  let data: DataDocument = {};
  for (const [name, body] of files) {
    if (!name.endsWith('/data.json')) continue;
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (thrown) {
      return fail(`${name} is not valid JSON (${thrownText(thrown)})`);
    }
    if (!isPlainObject(value)) return fail(`${name} must hold a JSON object`);
    data = mergeData(data, nestData(name.split('/').slice(1, -1), value));
  }

  let revision: string | undefined;
  const manifest = files.get('/.manifest');
  if (manifest !== undefined) {
    try {
      const parsed = JSON.parse(manifest.toString('utf8')) as { revision?: unknown };
      if (typeof parsed.revision === 'string' && parsed.revision !== '') revision = parsed.revision;
    } catch (thrown) {
      return fail(`/.manifest is not valid JSON (${thrownText(thrown)})`);
    }
  }
  return { wasm, data, ...(revision === undefined ? {} : { revision }) };
}
