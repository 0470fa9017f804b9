import { gunzipSync } from 'node:zlib';

/**
 * A small reader for the gzipped ustar archives `opa build` writes: regular files only,
 * with GNU long names and PAX `path` records, which is all an OPA bundle uses.
 */
export function readTarGz(gz: Uint8Array, maxBytes = 512 * 1024 * 1024): Map<string, Buffer> {
  const tar = gunzipSync(gz, { maxOutputLength: maxBytes });
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) break;
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const bodyStart = offset + 512;
    const body = tar.subarray(bodyStart, bodyStart + size);
    if (body.length !== size) throw new Error('truncated tar entry');
    offset = bodyStart + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = cString(body);
      continue;
    }
    if (type === 'x') {
      longName = paxPath(body) ?? longName;
      continue;
    }
    const prefix = cString(header.subarray(345, 500));
    const name =
      longName ??
      (prefix === ''
        ? cString(header.subarray(0, 100))
        : `${prefix}/${cString(header.subarray(0, 100))}`);
    longName = undefined;
    if (type === '0' || type === '\0') files.set(normaliseName(name), Buffer.from(body));
  }
  return files;
}

/** Bundle paths are rooted: `policy.wasm`, `./policy.wasm` and `/policy.wasm` are all `/policy.wasm`. */
function normaliseName(name: string): string {
  return `/${name.replace(/^\.?\/+/, '')}`;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end === -1 ? bytes : bytes.subarray(0, end)).toString('utf8');
}

function parseOctal(bytes: Uint8Array): number {
  const text = cString(bytes).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`bad tar size field ${JSON.stringify(text)}`);
  return parseInt(text, 8);
}

function paxPath(body: Uint8Array): string | undefined {
  // Records are "<len> <key>=<value>\n".
  for (const record of Buffer.from(body).toString('utf8').split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(record);
    if (match?.[1] !== undefined) return match[1];
  }
  return undefined;
}
