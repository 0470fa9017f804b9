import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export const policiesDir = join(repoRoot, 'test/e2e/policies');
export const allowAllPolicy = join(policiesDir, 'allow-all.rego');

export const everythingServer = join(
  repoRoot,
  'node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
export const modernServer = join(repoRoot, 'test/fixtures/modern-server.mjs');
export const noisyServer = join(repoRoot, 'test/fixtures/noisy-stdout-server.mjs');
export const inspectorCliDir = join(repoRoot, 'node_modules/@modelcontextprotocol/inspector-cli');

/** The pinned OPA CLI the shim uses to compile `.rego` policies. */
export const opaDir = join(homedir(), '.cache/mcp-opa-shim/opa-v1.22.2');

/**
 * The built shim. `MCP_E2E_SHIM_MAIN` points the suite at another build of
 * the same CLI (for example a release candidate); it never skips the shim half.
 */
export const shimMain =
  process.env['MCP_E2E_SHIM_MAIN'] ?? join(repoRoot, 'dist/bin/mcp-opa-shim.mjs');

export function assertShimBuilt(): void {
  if (!existsSync(shimMain)) {
    throw new Error(`The shim is not built: ${shimMain} is missing. Run \`npm run build\` first.`);
  }
}
