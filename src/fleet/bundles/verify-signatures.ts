import { createHash } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, importSPKI, importX509 } from 'jose';
import { parse as parseYaml } from 'yaml';
import type { BundleSigningConfig, KeyConfig } from '../config/fleet-config.js';
import { canonicalJson, canonicalValue } from './canonical-json.js';

/** A bundle refused by signature verification; the message says which check failed. */
export class BundleSignatureError extends Error {
  override readonly name = 'BundleSignatureError';
}

export const SIGNATURES_FILE = '/.signatures.json';

/** What the signature vouches for: OPA's JWS payload. */
interface SignedFiles {
  readonly files?: unknown;
  readonly keyid?: string;
  readonly scope?: string;
}

/** OPA's digest names; the weak ones it also accepts (MD5, SHA-1) are refused here. */
const DIGESTS: Readonly<Record<string, string>> = {
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'SHA-512-224': 'sha512-224',
  'SHA-512-256': 'sha512-256',
};

/**
 * Verifies a bundle's `/.signatures.json` the way OPA does: exactly one JWS; the key is
 * `signing.keyid`, else the JWS `kid`, else the payload's `keyid`, and must be in `keys`; the
 * algorithm is the key's; the payload `scope` must equal `signing.scope` (else the key's scope);
 * every file of the bundle but the signatures and `exclude_files` must be listed with a matching
 * digest, and every listed file must be present. Throws BundleSignatureError.
 */
export async function verifyBundleSignatures(
  files: ReadonlyMap<string, Uint8Array>,
  signing: BundleSigningConfig,
  keys: Readonly<Record<string, KeyConfig>>,
): Promise<void> {
  const refuse = (why: string): never => {
    throw new BundleSignatureError(why);
  };
  const signaturesFile = files.get(SIGNATURES_FILE);
  if (signaturesFile === undefined)
    return refuse('the bundle is not signed (no .signatures.json) and `signing` is configured');
  let signatures: unknown;
  try {
    signatures = (
      JSON.parse(Buffer.from(signaturesFile).toString('utf8')) as { signatures?: unknown }
    ).signatures;
  } catch {
    return refuse('.signatures.json is not valid JSON');
  }
  if (!Array.isArray(signatures) || signatures.length !== 1 || typeof signatures[0] !== 'string')
    return refuse('.signatures.json must hold exactly one JWS in `signatures`');
  const token = signatures[0];

  let kid: string | undefined;
  let unverified: SignedFiles;
  try {
    kid = decodeProtectedHeader(token).kid;
    unverified = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'),
    ) as SignedFiles;
  } catch {
    return refuse('the JWS in .signatures.json is malformed');
  }
  const keyId = signing.keyid ?? kid ?? unverified.keyid;
  if (keyId === undefined || keyId === '')
    return refuse('the signature names no key id and `signing.keyid` is not set');
  const key = keys[keyId];
  if (key === undefined) return refuse(`the signing key \`${keyId}\` is not in \`keys\``);

  let payload: SignedFiles;
  try {
    const verified = await compactVerify(token, await importKey(key), {
      algorithms: [key.algorithm],
    });
    payload = JSON.parse(Buffer.from(verified.payload).toString('utf8')) as SignedFiles;
  } catch (thrown) {
    return refuse(
      `the signature does not verify with key \`${keyId}\` (${key.algorithm}): ${thrown instanceof Error ? thrown.message : String(thrown)}`,
    );
  }
  const scope = signing.scope ?? key.scope ?? '';
  if ((payload.scope ?? '') !== scope)
    return refuse(
      `scope mismatch: the signature has \`${payload.scope ?? ''}\`, the config expects \`${scope}\``,
    );
  if (!Array.isArray(payload.files)) return refuse('the signed payload has no `files` list');

  const listed = new Map<string, { hash: string; algorithm: string }>();
  for (const file of payload.files as unknown[]) {
    const { name, hash, algorithm } = (file ?? {}) as Record<string, unknown>;
    if (typeof name !== 'string' || typeof hash !== 'string')
      return refuse('a signed file entry lacks a `name` or `hash`');
    listed.set(`/${name.replace(/^\/+/, '')}`, {
      hash,
      algorithm: typeof algorithm === 'string' ? algorithm : 'SHA-256',
    });
  }
  const excluded = signing.excludeFiles.map(globToRegExp);
  for (const [name, body] of files) {
    if (name === SIGNATURES_FILE || excluded.some((pattern) => pattern.test(name.slice(1))))
      continue;
    const entry = listed.get(name);
    if (entry === undefined) return refuse(`${name} is in the bundle but not in the signature`);
    listed.delete(name);
    const digest = DIGESTS[entry.algorithm];
    if (digest === undefined)
      return refuse(`${name} is signed with the unsupported digest ${entry.algorithm}`);
    let actual: string;
    try {
      actual = createHash(digest).update(hashedText(name, body)).digest('hex');
    } catch {
      return refuse(
        `${name} is not valid ${name.endsWith('.json') || name.endsWith('/.manifest') ? 'JSON' : 'YAML'}`,
      );
    }
    if (actual !== entry.hash.toLowerCase())
      return refuse(`${name} does not match its signed digest (it was changed after signing)`);
  }
  const [missing] = listed.keys();
  if (missing !== undefined) return refuse(`${missing} is in the signature but not in the bundle`);
}

/** Structured files are hashed in canonical form, others byte for byte (OPA's IsStructuredDoc). */
function hashedText(name: string, body: Uint8Array): Uint8Array | string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const text = (): string => Buffer.from(body).toString('utf8');
  if (base === '.manifest' || base.endsWith('.json')) return canonicalJson(text());
  if (base.endsWith('.yaml') || base.endsWith('.yml')) return canonicalValue(parseYaml(text()));
  return body;
}

type VerifyKey = Awaited<ReturnType<typeof importSPKI>> | Uint8Array;

async function importKey(key: KeyConfig): Promise<VerifyKey> {
  if (key.algorithm.startsWith('HS')) return new TextEncoder().encode(key.key);
  if (key.key.includes('BEGIN CERTIFICATE')) return importX509(key.key, key.algorithm);
  return importSPKI(key.key, key.algorithm);
}

/** `filepath.Match` globs: `*` and `?` within a path segment. */
function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/^\/+/, '')
    .split('')
    .map((char) =>
      char === '*' ? '[^/]*' : char === '?' ? '[^/]' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}
