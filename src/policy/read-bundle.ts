import { PolicyLoadError, thrownText } from './policy-load-error.js';
import { readTarGz } from './read-tar.js';
import { type DataDocument, isPlainObject, mergeData, nestData } from './merge-data.js';

export interface Bundle {
  readonly wasm: Uint8Array;
  /** All `data.json` files, each placed at the data path of its directory. */
  readonly data: DataDocument;
  /** `/data.schema.json`, when the bundle ships one: its data and `--data` must match it. */
  readonly dataSchema?: Record<string, unknown>;
  /** Where in the bundle `dataSchema` was found, for messages. */
  readonly dataSchemaAt?: string;
  /** `.manifest` `revision`, when set and non-empty. */
  readonly revision?: string;
}

/** Where a bundle ships the JSON Schema of its data (docs/policy-data.md, "Your own policy"). */
export const DATA_SCHEMA_PATH = '/data.schema.json';
/**
 * The `.manifest` `metadata` key of bundles built by `mcp-opa-shim build`: `data_schema` (used
 * when there is no /data.schema.json) and `default_policy: true` (the default policy is in it).
 */
export const MANIFEST_KEY = 'mcp_opa_shim';

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

  let dataSchema: Record<string, unknown> | undefined;
  let dataSchemaAt: string | undefined;
  const schemaFile = files.get(DATA_SCHEMA_PATH);
  if (schemaFile !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(schemaFile.toString('utf8'));
    } catch (thrown) {
      return fail(`${DATA_SCHEMA_PATH} is not valid JSON (${thrownText(thrown)})`);
    }
    if (!isPlainObject(value)) return fail(`${DATA_SCHEMA_PATH} must hold a JSON Schema object`);
    dataSchema = value;
    dataSchemaAt = DATA_SCHEMA_PATH;
  }

  let revision: string | undefined;
  const manifestFile = files.get('/.manifest');
  if (manifestFile !== undefined) {
    let manifest: { revision?: unknown; metadata?: unknown };
    try {
      manifest = JSON.parse(manifestFile.toString('utf8')) as typeof manifest;
    } catch (thrown) {
      return fail(`/.manifest is not valid JSON (${thrownText(thrown)})`);
    }
    if (typeof manifest.revision === 'string' && manifest.revision !== '')
      revision = manifest.revision;
    // `mcp-opa-shim build` puts the schema here: `opa build` packs no other JSON file.
    const shim = isPlainObject(manifest.metadata) ? manifest.metadata[MANIFEST_KEY] : undefined;
    const schema = isPlainObject(shim) ? shim.data_schema : undefined;
    if (schema !== undefined && dataSchema === undefined) {
      if (!isPlainObject(schema))
        return fail(
          `/.manifest metadata.${MANIFEST_KEY}.data_schema must hold a JSON Schema object`,
        );
      dataSchema = schema;
      dataSchemaAt = `/.manifest metadata.${MANIFEST_KEY}.data_schema`;
    }
  }
  return {
    wasm,
    data,
    ...(dataSchema === undefined
      ? {}
      : { dataSchema, dataSchemaAt: dataSchemaAt ?? DATA_SCHEMA_PATH }),
    ...(revision === undefined ? {} : { revision }),
  };
}
