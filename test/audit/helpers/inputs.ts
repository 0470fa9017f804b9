import type { PolicyInput, ResolvedPath } from '../../../src/core/policy-input.js';

export const ROOT = '/srv/projects';

interface CallOptions {
  readonly principal?: string;
  readonly server?: string;
  readonly id?: number;
  readonly listing?: boolean;
}

/** A policy input as the shim builds it for a `server-filesystem` tools/call. */
export function toolCall(
  name: string,
  args: Record<string, unknown>,
  rawPaths: readonly string[],
  opts: CallOptions = {},
): PolicyInput {
  const paths: ResolvedPath[] = rawPaths.map((raw, i) => {
    const resolved = raw.startsWith('/') ? raw : `${ROOT}/${raw}`;
    const within = resolved === ROOT || resolved.startsWith(`${ROOT}/`);
    return {
      pointer: i === 0 ? '/path' : `/paths/${i - 1}`,
      raw,
      resolved,
      within_roots: within,
      ...(within ? { root: ROOT } : {}),
    };
  });
  return {
    version: 1,
    direction: 'to_server',
    message: { kind: 'request', method: 'tools/call', id: opts.id ?? 7 },
    operation: {
      type: 'tool',
      name,
      listing: opts.listing ?? false,
      listed: true,
      annotations: { readOnlyHint: name !== 'write_file' },
    },
    arguments: args,
    paths,
    principal: { id: opts.principal ?? 'alice', roles: ['developer'], attributes: {} },
    client: {
      self_declared: true,
      info: { name: 'claude-code', version: '2.1.0' },
      protocol_version: '2025-11-25',
    },
    server: {
      id: opts.server ?? 'filesystem',
      command: ['npx', '@modelcontextprotocol/server-filesystem', ROOT],
      info: { name: 'secure-filesystem-server', version: '0.2.0' },
    },
    transport: 'stdio',
    session: {
      id: 'sess-1',
      started_at: '2026-11-21T21:00:00.000Z',
      era: 'legacy',
      counts: {},
      recent: [],
      approvals: [],
    },
    approval: { granted: false },
    environment: { names: ['HOME', 'PATH', 'GITHUB_TOKEN'] },
    roots: [ROOT],
    mode: 'enforce',
  };
}

/** A ping from the client (the test policy drops its audit record). */
export function ping(opts: CallOptions = {}): PolicyInput {
  const base = toolCall('ping', {}, [], opts);
  return {
    ...base,
    message: { kind: 'request', method: 'ping', id: opts.id ?? 1 },
    operation: { type: 'ping', listing: false },
  };
}
