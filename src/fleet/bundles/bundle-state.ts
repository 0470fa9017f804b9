import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { BundleConfig } from '../config/fleet-config.js';

/**
 * Where a bundle's last good copy lives when `persist: true`:
 * `$XDG_STATE_HOME/mcp-opa-shim/bundles/<name>-<digest of its URL>/` (default
 * `~/.local/state/...`). OPA keeps it under its working directory; an MCP client starts the
 * shim from any directory, so a per-user directory is the stable choice. The URL digest keeps
 * two configs that name their bundles alike apart.
 */
export function bundleStateDir(
  bundle: BundleConfig,
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const stateHome = env['XDG_STATE_HOME'] ?? join(env['HOME'] ?? homedir(), '.local', 'state');
  const digest = createHash('sha256').update(url).digest('hex').slice(0, 12);
  const safeName = bundle.name.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(stateHome, 'mcp-opa-shim', 'bundles', `${safeName}-${digest}`);
}

export interface PersistedBundle {
  readonly bytes: Buffer;
  readonly etag?: string;
}

const BUNDLE_FILE = 'bundle.tar.gz';
const META_FILE = 'bundle.json';

/** The last good bundle, or undefined when none was saved (or it cannot be read). */
export async function readPersistedBundle(dir: string): Promise<PersistedBundle | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, BUNDLE_FILE));
  } catch {
    return undefined;
  }
  let etag: string | undefined;
  try {
    const meta = JSON.parse(await readFile(join(dir, META_FILE), 'utf8')) as { etag?: unknown };
    if (typeof meta.etag === 'string') etag = meta.etag;
  } catch {
    // Without its ETag the bundle is still good: the next poll downloads it again.
  }
  return { bytes, ...(etag === undefined ? {} : { etag }) };
}

/**
 * Saves an activated bundle. Written to a temporary name and renamed, so that several shims
 * sharing the directory (one per wrapped server) never read half a file.
 */
export async function persistBundle(
  dir: string,
  bytes: Uint8Array,
  etag: string | undefined,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const unique = `${String(process.pid)}-${String(Date.now())}`;
  const meta = JSON.stringify({ etag: etag ?? null, saved_at: new Date().toISOString() });
  await writeFile(join(dir, `${META_FILE}.${unique}`), meta, { mode: 0o600 });
  await writeFile(join(dir, `${BUNDLE_FILE}.${unique}`), bytes, { mode: 0o600 });
  // Bundle first: a new bundle with the old ETag only costs one full download.
  await rename(join(dir, `${BUNDLE_FILE}.${unique}`), join(dir, BUNDLE_FILE));
  await rename(join(dir, `${META_FILE}.${unique}`), join(dir, META_FILE));
}
