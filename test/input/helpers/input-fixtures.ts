import { mkdtempSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DEFAULT_ENTRYPOINT,
  DEFAULT_MAX_FRAME_BYTES_TO_CLIENT,
  DEFAULT_MAX_FRAME_BYTES_TO_SERVER,
  DEFAULT_SECRET_NAME_PATTERNS,
  type ShimConfig,
} from '../../../src/config/config.js';
import { createInputContext, type InputContext } from '../../../src/input/input-context.js';
import { Session } from '../../../src/session/session.js';

/** A complete, valid configuration; tests override what they exercise. */
export function testConfig(overrides: Partial<ShimConfig> = {}): ShimConfig {
  return {
    policy: { kind: 'embedded' },
    dataFiles: [],
    entrypoint: DEFAULT_ENTRYPOINT,
    watch: false,
    command: 'npx',
    args: ['-y', '@modelcontextprotocol/server-filesystem'],
    envFiles: [],
    envAllow: undefined,
    principal: { id: 'alice', roles: ['developer'], attributes: { team: 'platform' } },
    serverId: 'filesystem',
    logLevel: 'silent',
    logFile: undefined,
    logFormat: 'json',
    maxFrameBytesToServer: DEFAULT_MAX_FRAME_BYTES_TO_SERVER,
    maxFrameBytesToClient: DEFAULT_MAX_FRAME_BYTES_TO_CLIENT,
    roots: [],
    pathPointers: [],
    pathBases: [],
    // Created only when a policy asks for a quota; never the user's real state directory.
    stateDir: path.join(os.tmpdir(), 'mcp-opa-shim-test-state'),
    mode: 'enforce',
    auditLog: undefined,
    auditStderr: false,
    secretEnv: [],
    secretNamePatterns: DEFAULT_SECRET_NAME_PATTERNS,
    shutdownGraceMs: 1000,
    approvalTimeoutMs: 120_000,
    ...overrides,
  };
}

export function testContext(
  overrides: Partial<ShimConfig> = {},
  envNames: readonly string[] = ['PATH', 'HOME'],
): InputContext {
  return createInputContext(testConfig(overrides), envNames);
}

/** A legacy session that has seen `initialize`, its result and one tools/list page. */
export function initializedSession(): Session {
  const session = new Session();
  session.observeInitialize({
    protocolVersion: '2025-06-18',
    clientInfo: { name: 'test-client', version: '1.0.0' },
    capabilities: { roots: { listChanged: true }, sampling: {} },
  });
  session.observeInitializeResult({
    protocolVersion: '2025-06-18',
    serverInfo: { name: 'secure-filesystem-server', version: '0.2.0' },
  });
  session.catalog.observe({
    name: 'write_file',
    description: 'Create a new file or completely overwrite an existing file.',
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true },
  });
  session.catalog.observe({
    name: 'read_text_file',
    description: 'Read a file.',
    annotations: { readOnlyHint: true },
  });
  return session;
}

/** A fresh directory under the OS temp dir, realpath'd (macOS /tmp is a symlink). */
export function tempDir(prefix: string): string {
  return realpathSync.native(mkdtempSync(path.join(os.tmpdir(), prefix)));
}
